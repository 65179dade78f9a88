// The Report layer; see the README's architecture section.
