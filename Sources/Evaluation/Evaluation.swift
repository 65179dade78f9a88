// The Evaluation layer; see the README's architecture section.
