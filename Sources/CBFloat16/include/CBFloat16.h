#ifndef CBFLOAT16_H
#define CBFLOAT16_H

#include <stdint.h>

/// How this machine multiplies bfloat16: 2 = AMX tiles (TDPBF16PS), 1 = AVX-512 BF16 dot
/// products (VDPBF16PS), 0 = neither (the same sums in float32 arithmetic). The first call
/// asks the kernel for the AMX tile state; later calls return the cached answer.
int cbf16_backend(void);

/// One 32 x 32 tile of C from bfloat16 pair words (the bfloat16 of an even k in the low half,
/// of the next k in the high half):
///   C[r][j] = alpha * sum_q A[r][q] . B[q][j] + beta * C[r][j]   for r < rows, j < cols,
/// where `a` holds 32 rows of `16 * steps` words, `lda` words apart, and `b` holds
/// `16 * steps` rows of 32 words (one per column). C is `ldc` floats per row and is not read
/// when beta is 0. `backend` is at most cbf16_backend(); a lower one runs the same sums on
/// other units (tests compare them).
void cbf16_tile_32x32(int backend, long steps, const uint32_t *a, long lda, const uint32_t *b,
                      float *c, long ldc, int rows, int cols, float alpha, float beta);

/// 1 where the CPU has the AVX-512 BF16 conversion VCVTNE2PS2BF16 (and so the two functions
/// below run on it), else 0.
int cbf16_converts(void);

/// words[q] = the pair word of x[2q] (low half) and x[2q + 1] (high half), q < count, a
/// multiple of 16. Rounding to nearest even, NaN quieted, subnormals to signed zero (as
/// VCVTNE2PS2BF16 does). Call only where cbf16_converts() is 1.
void cbf16_pairs_along(const float *x, uint32_t *words, long count);

/// A B panel from kc rows of `width` floats (a multiple of 16), `ldb` floats apart: word
/// (q, j) = pair of rows 2q and 2q + 1 in column j, the odd row past kc read as zero;
/// ceil(kc/2) rows of `width` words. Same rounding as cbf16_pairs_along.
void cbf16_pairs_across(const float *b, long ldb, long kc, long width, uint32_t *panel);

#endif
