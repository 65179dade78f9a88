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

#endif
