#ifndef CKERNELS_H
#define CKERNELS_H

/// Loops the Swift compiler leaves scalar, written in C so that they vectorize.

/// One Adam step over `count` elements, each on its own and in the operation order of
/// PyTorch's `torch.optim.Adam` (no fused multiply-adds, IEEE square root, so the vector loop
/// gives the bits of the scalar one):
///   g' = g + decay * w             (mode 1, L2 weight decay; mode 0: g' = g)
///   w  = w * shrink                (mode 2, decoupled decay as in AdamW; g' = g)
///   m  = b1 * m + (1 - b1) * g'
///   v  = b2 * v + (1 - b2) * g' * g'
///   w  = w - step_size * m / (sqrt(v) / correction2_root + eps)
/// The four arrays must not overlap.
void ckernels_adam(float *w, const float *g, float *m, float *v, long count, float b1, float b2,
                   float eps, float step_size, float correction2_root, float decay, float shrink,
                   int mode);

#endif
