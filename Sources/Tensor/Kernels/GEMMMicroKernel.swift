/// One row of the micro-kernel's accumulator tile: 32 floats in two AVX-512 registers.
struct AccumulatorRow {
    var lo = SIMD16<Float>()
    var hi = SIMD16<Float>()

    /// self += a · [b0 b1]: one broadcast of `a` feeding two fused multiply-adds.
    @inline(__always)
    mutating func add(_ a: Float, _ b0: SIMD16<Float>, _ b1: SIMD16<Float>) {
        let s = SIMD16<Float>(repeating: a)
        lo = lo.addingProduct(s, b0)
        hi = hi.addingProduct(s, b1)
    }

    /// c = alpha · self + beta · c for 32 consecutive floats; c is not read when beta is 0
    /// (so NaNs in an uninitialised output cannot leak in). alpha = 1, what every convolution
    /// passes, skips the multiplications (x · 1 is x): with the input gradient's k of 64 they
    /// were 1.5% of the tile's vector operations.
    @inline(__always)
    func store(_ c: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        let raw = UnsafeMutableRawPointer(c)
        var l = lo, h = hi
        if alpha != 1 {
            l *= alpha
            h *= alpha
        }
        if beta != 0 {
            let b = SIMD16<Float>(repeating: beta)
            l = l.addingProduct(raw.loadUnaligned(as: SIMD16<Float>.self), b)
            h = h.addingProduct(raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), b)
        }
        raw.storeBytes(of: l, as: SIMD16<Float>.self)
        raw.storeBytes(of: h, toByteOffset: 64, as: SIMD16<Float>.self)
    }
}

/// The register-blocked inner kernel of the packed GEMM: an 8 × 32 tile of C.
///
/// 16 accumulators cover the FMA latency (4 cycles × 2 ports), and each k costs 2 vector loads
/// and 8 broadcasts for 16 FMAs, under the 2 loads a cycle the load ports give. Measured side by
/// side (best of 21 timings, noisy shared machine), it matched or beat a 12 × 32 kernel (24
/// accumulators, fewer loads per FMA) on every benchmark shape, by 35% where 12 rows pad the
/// convolutions' m = 32 or 64 (fwd 64×16384×512: 89 vs 65 GFLOP/s, 1 thread), and by ~20% on
/// 1024³ with 2 threads.
enum GEMMMicroKernel {
    /// Rows of C per tile (a divisor of `GEMMWorkspace.mc`).
    static let mr = 8
    /// Columns of C per tile: two 16-float vectors.
    static let nr = 32

    /// C[mr×nr] (row stride ldc) = alpha · Apanel · Bpanel + beta · C, where Apanel holds kc
    /// groups of mr floats (one per row) and Bpanel kc groups of nr floats (one per column),
    /// `ldb` floats apart (nr in a packed panel). The sum over p runs in order 0..<kc for every
    /// element.
    @inline(__always)
    static func run(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int = nr,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        var c0 = AccumulatorRow(), c1 = AccumulatorRow(), c2 = AccumulatorRow()
        var c3 = AccumulatorRow(), c4 = AccumulatorRow(), c5 = AccumulatorRow()
        var c6 = AccumulatorRow(), c7 = AccumulatorRow()
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            // Unaligned loads: a B read where it lies need not start on 64 bytes.
            let b0 = pb.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            c0.add(pa[0], b0, b1)
            c1.add(pa[1], b0, b1)
            c2.add(pa[2], b0, b1)
            c3.add(pa[3], b0, b1)
            c4.add(pa[4], b0, b1)
            c5.add(pa[5], b0, b1)
            c6.add(pa[6], b0, b1)
            c7.add(pa[7], b0, b1)
            pa += 8
            pb += ldb * 4
        }
        c0.store(c, alpha: alpha, beta: beta)
        c1.store(c + ldc, alpha: alpha, beta: beta)
        c2.store(c + 2 * ldc, alpha: alpha, beta: beta)
        c3.store(c + 3 * ldc, alpha: alpha, beta: beta)
        c4.store(c + 4 * ldc, alpha: alpha, beta: beta)
        c5.store(c + 5 * ldc, alpha: alpha, beta: beta)
        c6.store(c + 6 * ldc, alpha: alpha, beta: beta)
        c7.store(c + 7 * ldc, alpha: alpha, beta: beta)
    }
}
