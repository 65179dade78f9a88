// The Study layer; see the README's architecture section.
