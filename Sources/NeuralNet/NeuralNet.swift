// The NeuralNet layer; see the README's architecture section.
