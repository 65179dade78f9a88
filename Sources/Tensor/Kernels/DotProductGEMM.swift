/// C = beta·C + A·Bᵀ for a small C and a long inner dimension, as dot products of rows.
///
/// A weight gradient of a layer with few channels and a tiny kernel (one input channel, 4×4
/// taps, 32 outputs: C is 32 × 16) over a chunk's 1,024 output positions is such a product.
/// The packed GEMM spent most of its time packing: every operand value went through a 16 × 16
/// transpose for 16 or 32 multiply-adds. Here both operands are read as they lie (each row runs
/// along k) in blocks of 4 × 4 rows, 16 k at a time: 8 vector loads feed 16 FMAs.
///
/// Each element of C is summed in 16 lanes over k, then across the lanes, then over the k
/// left over, always in that order: the same bits on every run.
enum DotProductGEMM {
    /// C [m × n] (row stride n) = beta·C + A [m × k] · B [n × k]ᵀ, A and B row-major; beta is
    /// 0 or 1 (with 0, C is not read).
    static func multiplyTransposed(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, accumulate: Bool
    ) {
        let blocked = k & ~15
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: 16) { sums in
            for i0 in stride(from: 0, to: m, by: 4) {
                for j0 in stride(from: 0, to: n, by: 4) {
                    // Rows past the edge repeat the last one; their sums are not stored.
                    let rowA = { (r: Int) in a + min(i0 + r, m - 1) * k }
                    let rowB = { (s: Int) in b + min(j0 + s, n - 1) * k }
                    block(rowA(0), rowA(1), rowA(2), rowA(3), rowB(0), rowB(1), rowB(2), rowB(3),
                          blocked, into: sums.baseAddress!)
                    for r in 0..<min(4, m - i0) {
                        for s in 0..<min(4, n - j0) {
                            var total = sums[r * 4 + s].sum()
                            let x = rowA(r), y = rowB(s)
                            for p in blocked..<k { total += x[p] * y[p] }
                            let out = c + (i0 + r) * n + j0 + s
                            out.pointee = accumulate ? out.pointee + total : total
                        }
                    }
                }
            }
        }
    }

    /// The 4 × 4 block's 16 lane sums over k in 0..<blocked, row-major into `sums`.
    @inline(__always)
    private static func block(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ a3: UnsafePointer<Float>, _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>,
        _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>, _ blocked: Int,
        into sums: UnsafeMutablePointer<SIMD16<Float>>
    ) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c02 = SIMD16<Float>(), c03 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>(), c12 = SIMD16<Float>(), c13 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c22 = SIMD16<Float>(), c23 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>(), c32 = SIMD16<Float>(), c33 = SIMD16<Float>()
        var p = 0
        while p < blocked {
            let x0 = load(a0 + p), x1 = load(a1 + p), x2 = load(a2 + p), x3 = load(a3 + p)
            let y0 = load(b0 + p), y1 = load(b1 + p), y2 = load(b2 + p), y3 = load(b3 + p)
            c00 = c00.addingProduct(x0, y0); c01 = c01.addingProduct(x0, y1)
            c02 = c02.addingProduct(x0, y2); c03 = c03.addingProduct(x0, y3)
            c10 = c10.addingProduct(x1, y0); c11 = c11.addingProduct(x1, y1)
            c12 = c12.addingProduct(x1, y2); c13 = c13.addingProduct(x1, y3)
            c20 = c20.addingProduct(x2, y0); c21 = c21.addingProduct(x2, y1)
            c22 = c22.addingProduct(x2, y2); c23 = c23.addingProduct(x2, y3)
            c30 = c30.addingProduct(x3, y0); c31 = c31.addingProduct(x3, y1)
            c32 = c32.addingProduct(x3, y2); c33 = c33.addingProduct(x3, y3)
            p += 16
        }
        sums[0] = c00; sums[1] = c01; sums[2] = c02; sums[3] = c03
        sums[4] = c10; sums[5] = c11; sums[6] = c12; sums[7] = c13
        sums[8] = c20; sums[9] = c21; sums[10] = c22; sums[11] = c23
        sums[12] = c30; sums[13] = c31; sums[14] = c32; sums[15] = c33
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
}
