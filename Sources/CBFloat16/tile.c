// The bfloat16 tile kernels. Swift cannot name AMX or VDPBF16PS, hence this one C file: each
// kernel is compiled for its instructions by a function attribute and only called after
// cbf16_backend() found them.
#include "CBFloat16.h"

#include <math.h>
#include <string.h>

static inline float bf16_low(uint32_t w) { union { uint32_t u; float f; } x = { w << 16 }; return x.f; }
static inline float bf16_high(uint32_t w) { union { uint32_t u; float f; } x = { w & 0xFFFF0000u }; return x.f; }

// tile = the 32 x 32 products, then C = alpha * tile + beta * C on the valid corner.
static void merge(const float *tile, float *c, long ldc, int rows, int cols, float alpha, float beta) {
    for (int r = 0; r < rows; r++) {
        const float *t = tile + r * 32;
        float *out = c + r * ldc;
        if (beta == 0) {
            for (int j = 0; j < cols; j++) out[j] = t[j] * alpha;
        } else {
            for (int j = 0; j < cols; j++) out[j] = fmaf(out[j], beta, t[j] * alpha);
        }
    }
}

// Without bfloat16 units: per element and pair, the even k's product then the odd k's, each
// exact in float32 (8-bit mantissas) and added with one rounding.
static void emulate(long steps, const uint32_t *a, long lda, const uint32_t *b, float *tile) {
    for (int r = 0; r < 32; r++) {
        float acc[32] = { 0 };
        const uint32_t *row = a + r * lda;
        for (long q = 0; q < 16 * steps; q++) {
            float even = bf16_low(row[q]), odd = bf16_high(row[q]);
            const uint32_t *bq = b + q * 32;
            for (int j = 0; j < 32; j++) {
                acc[j] = fmaf(even, bf16_low(bq[j]), acc[j]);
                acc[j] = fmaf(odd, bf16_high(bq[j]), acc[j]);
            }
        }
        memcpy(tile + r * 32, acc, sizeof acc);
    }
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>

static int has_avx512_bf16(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;  // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;                  // the OS keeps the ZMM state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 16))) return 0;
    if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return 0;
    return (eax >> 5) & 1;
}

static int has_amx_bf16(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(edx & (1u << 22)) || !(edx & (1u << 24))) return 0;   // AMX-BF16, AMX-TILE
    // Linux hands out the 8 KiB tile state only on request (ARCH_REQ_XCOMP_PERM, XTILEDATA).
    return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
}

int cbf16_backend(void) {
    static int cached = -1;
    if (cached < 0) cached = has_amx_bf16() ? 2 : has_avx512_bf16() ? 1 : 0;
    return cached;
}

int cbf16_converts(void) {
    static int cached = -1;
    if (cached < 0) cached = has_avx512_bf16();
    return cached;
}

struct tile_config {
    uint8_t palette, start_row, reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
};

// Tiles 0-3: C (rows 0-15 / 16-31 x columns 0-15 / 16-31); 4, 5: A rows; 6, 7: B columns.
// The configuration is per thread, loaded once on each thread that multiplies.
__attribute__((target("amx-tile,amx-bf16")))
static void amx(long steps, const uint32_t *a, long lda, const uint32_t *b, float *tile) {
    static __thread int configured;
    if (!configured) {
        struct tile_config config;
        memset(&config, 0, sizeof config);
        config.palette = 1;
        for (int t = 0; t < 8; t++) { config.rows[t] = 16; config.bytes_per_row[t] = 64; }
        _tile_loadconfig(&config);
        configured = 1;
    }
    _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
    for (long s = 0; s < steps; s++) {
        _tile_loadd(4, a + s * 16, lda * 4);
        _tile_loadd(5, a + 16 * lda + s * 16, lda * 4);
        _tile_loadd(6, b + s * 16 * 32, 128);
        _tile_loadd(7, b + s * 16 * 32 + 16, 128);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    _tile_stored(0, tile, 128);
    _tile_stored(1, tile + 16, 128);
    _tile_stored(2, tile + 16 * 32, 128);
    _tile_stored(3, tile + 16 * 32 + 16, 128);
}

// One row of 32 results into C: c = alpha * (lo, hi) + beta * c on the first `cols` columns
// (C is not read when beta is 0).
struct row_store { __m512 alpha, beta; __mmask16 low, high; int reads; };

__attribute__((target("avx512f")))
static inline struct row_store row_store_for(int cols, float alpha, float beta) {
    struct row_store s = { _mm512_set1_ps(alpha), _mm512_set1_ps(beta),
                           cols >= 16 ? 0xFFFF : (__mmask16)((1u << cols) - 1),
                           cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1),
                           beta != 0 };
    return s;
}

__attribute__((target("avx512f")))
static inline void store_row(struct row_store s, __m512 lo, __m512 hi, float *out) {
    lo = _mm512_mul_ps(lo, s.alpha);
    hi = _mm512_mul_ps(hi, s.alpha);
    if (s.reads) {
        lo = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(s.low, out), s.beta, lo);
        hi = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(s.high, out + 16), s.beta, hi);
    }
    _mm512_mask_storeu_ps(out, s.low, lo);
    _mm512_mask_storeu_ps(out + 16, s.high, hi);
}

// Eight rows at a time: per pair, two vector loads of B and eight broadcasts of A feed sixteen
// VDPBF16PS; each pass's sums go straight to C, so no 32 x 32 scratch tile is written and
// read back (that merge took 5.7% of a 64 x 64 training step). Passes wholly below the valid
// rows are skipped; A's padding rows are zero words, so a partial pass reads defined values
// and stores only its valid rows.
__attribute__((target("avx512f,avx512bf16")))
static void dot_products(long steps, const uint32_t *a, long lda, const uint32_t *b,
                         float *c, long ldc, int rows, int cols, float alpha, float beta) {
    struct row_store store = row_store_for(cols, alpha, beta);
    for (int r0 = 0; r0 < rows; r0 += 8) {
        __m512 acc[8][2];
        for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
        const uint32_t *block = a + r0 * lda;
        for (long q = 0; q < 16 * steps; q++) {
            __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)(b + q * 32));
            __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(b + q * 32 + 16));
            for (int r = 0; r < 8; r++) {
                __m512bh s = (__m512bh)_mm512_set1_epi32((int)block[r * lda + q]);
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], s, b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], s, b1);
            }
        }
        int valid = rows - r0 < 8 ? rows - r0 : 8;
        for (int r = 0; r < valid; r++) store_row(store, acc[r][0], acc[r][1], c + (r0 + r) * ldc);
    }
}

// `merge` in vectors, masked at the right edge (the library is not built for AVX-512, and
// its scalar fmaf went through libm: 5% of a training step).
__attribute__((target("avx512f")))
static void merge_vectors(const float *tile, float *c, long ldc, int rows, int cols, float alpha, float beta) {
    struct row_store store = row_store_for(cols, alpha, beta);
    for (int r = 0; r < rows; r++) {
        store_row(store, _mm512_load_ps(tile + r * 32), _mm512_load_ps(tile + r * 32 + 16), c + r * ldc);
    }
}

// VCVTNE2PS2BF16 rounds 32 floats at once (to nearest even, NaN quieted, subnormals to signed
// zero), the low 16 results from its second operand: 32 consecutive values along k become
// their 16 pair words as they are.
__attribute__((target("avx512f,avx512bf16")))
void cbf16_pairs_along(const float *x, uint32_t *words, long count) {
    for (long q = 0; q < count; q += 16) {
        __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + 2 * q + 16), _mm512_loadu_ps(x + 2 * q));
        _mm512_storeu_si512((void *)(words + q), (__m512i)v);
    }
}

// Rows 2q and 2q + 1 of B give, per column, one pair word: the two rows are rounded together
// and their halves interleaved by one word permutation.
__attribute__((target("avx512f,avx512bw,avx512bf16")))
void cbf16_pairs_across(const float *b, long ldb, long kc, long width, uint32_t *panel) {
    __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                          23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    for (long p = 0; p < kc; p += 2) {
        const float *even = b + p * ldb, *odd = even + ldb;
        uint32_t *out = panel + p / 2 * width;
        for (long j = 0; j < width; j += 16) {
            __m512 o = p + 1 < kc ? _mm512_loadu_ps(odd + j) : _mm512_setzero_ps();
            __m512bh v = _mm512_cvtne2ps_pbh(o, _mm512_loadu_ps(even + j));
            _mm512_storeu_si512((void *)(out + j), _mm512_permutexvar_epi16(interleave, (__m512i)v));
        }
    }
}

void cbf16_tile_32x32(int backend, long steps, const uint32_t *a, long lda, const uint32_t *b,
                      float *c, long ldc, int rows, int cols, float alpha, float beta) {
    if (backend == 1) return dot_products(steps, a, lda, b, c, ldc, rows, cols, alpha, beta);
    _Alignas(64) float tile[32 * 32];
    if (backend >= 2) amx(steps, a, lda, b, tile);
    else emulate(steps, a, lda, b, tile);
    if (cbf16_backend() >= 1) merge_vectors(tile, c, ldc, rows, cols, alpha, beta);
    else merge(tile, c, ldc, rows, cols, alpha, beta);
}

#else

int cbf16_backend(void) { return 0; }

int cbf16_converts(void) { return 0; }

// Where no conversion instruction exists the same rounding in integer arithmetic (Swift's
// packing calls these only where cbf16_converts() is 1; they exist so the library links).
static uint32_t round_word(float x) {
    union { float f; uint32_t u; } v = { x };
    if ((v.u & 0x7F800000u) == 0) return (v.u >> 16) & 0x8000u;
    if (isnan(x)) return (v.u >> 16) | 0x40u;
    return (v.u + 0x7FFFu + ((v.u >> 16) & 1u)) >> 16;
}

void cbf16_pairs_along(const float *x, uint32_t *words, long count) {
    for (long q = 0; q < count; q++) words[q] = round_word(x[2 * q]) | round_word(x[2 * q + 1]) << 16;
}

void cbf16_pairs_across(const float *b, long ldb, long kc, long width, uint32_t *panel) {
    for (long p = 0; p < kc; p += 2) {
        for (long j = 0; j < width; j++) {
            float odd = p + 1 < kc ? b[(p + 1) * ldb + j] : 0;
            panel[p / 2 * width + j] = round_word(b[p * ldb + j]) | round_word(odd) << 16;
        }
    }
}

void cbf16_tile_32x32(int backend, long steps, const uint32_t *a, long lda, const uint32_t *b,
                      float *c, long ldc, int rows, int cols, float alpha, float beta) {
    (void)backend;
    float tile[32 * 32];
    emulate(steps, a, lda, b, tile);
    merge(tile, c, ldc, rows, cols, alpha, beta);
}

#endif
