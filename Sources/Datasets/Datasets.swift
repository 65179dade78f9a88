// The Datasets layer; see the README's architecture section.
