// The GAN layer; see the README's architecture section.
