"""Model backends: embeddings, the local GGUF answer model and the chat-model factory."""
