// The built-in LLM rule pack.
