/// op(X) of a row-major matrix X as strides: element (row, col) is at base[row·rowStride +
/// col·colStride], so a transpose is just swapped strides (one of them is always 1).
struct MatrixView {
    let base: UnsafePointer<Float>
    let rowStride: Int
    let colStride: Int

    /// The view of op(X) where X is stored row-major with `columns` floats per row.
    init(_ base: UnsafePointer<Float>, transposed: Bool, columns: Int) {
        self.base = base
        rowStride = transposed ? 1 : columns
        colStride = transposed ? columns : 1
    }
}

/// Copies blocks of A and B into the micro-kernel's order (zero-padded to whole tiles), so the
/// kernel reads both operands sequentially whatever the transposes.
///
/// A panel wants, for each k, the values of several rows (A) or columns (B) side by side. When
/// the stored matrix runs along k instead (A not transposed, B transposed) the copy is a
/// transpose, done 16 × 16 in registers: scalar scattering cost as much as the arithmetic for
/// the long-k weight gradients.
enum GEMMPacking {
    typealias Vector = SIMD16<Float>

    /// Packs rows i0..<i0+mc, columns p0..<p0+kc of A into ⌈mc/mr⌉ panels, each kc groups of
    /// mr floats (one per row); rows past mc are zero. `scratch` holds 32 vectors.
    static func packA(
        _ a: MatrixView, i0: Int, mc: Int, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Vector>
    ) {
        let mr = GEMMMicroKernel.mr
        var panel = dst
        for ib in stride(from: 0, to: mc, by: mr) {
            let rows = min(mr, mc - ib)
            if rows < mr { panel.update(repeating: 0, count: mr * kc) }
            if a.colStride == 1 {
                // Rows run along k: transpose 16 k-values of the panel's rows at a time.
                let first = a.base + (i0 + ib) * a.rowStride + p0
                let blocked = kc & ~15
                for p in stride(from: 0, to: blocked, by: 16) {
                    for r in 0..<16 {
                        scratch[r] = r < rows ? load(first + r * a.rowStride + p) : Vector()
                    }
                    transpose16(scratch)
                    for q in 0..<16 { storeLowHalf(scratch[q], panel + (p + q) * mr) }
                }
                for r in 0..<rows {
                    for p in blocked..<kc { panel[p * mr + r] = first[r * a.rowStride + p] }
                }
            } else {
                // Aᵀ stored (rowStride 1): the mr values of one k are contiguous.
                for p in 0..<kc {
                    let src = a.base + (p0 + p) * a.colStride + i0 + ib
                    let out = panel + p * mr
                    if rows == mr {
                        UnsafeMutableRawPointer(out).storeBytes(
                            of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self),
                            as: SIMD8<Float>.self)
                    } else {
                        for r in 0..<rows { out[r] = src[r] }
                    }
                }
            }
            panel += mr * kc
        }
    }

    /// Packs rows p0..<p0+kc, columns j0..<j0+nc of B into ⌈nc/nr⌉ panels, each kc groups of
    /// nr floats (one per column); columns past nc are zero. `scratch` holds 32 vectors.
    static func packB(
        _ b: MatrixView, p0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Vector>
    ) {
        let nr = GEMMMicroKernel.nr
        var panel = dst
        for jb in stride(from: 0, to: nc, by: nr) {
            let cols = min(nr, nc - jb)
            if cols < nr { panel.update(repeating: 0, count: nr * kc) }
            if b.colStride == 1 {
                // B not transposed: each k is a contiguous run of the panel's columns.
                for p in 0..<kc {
                    let src = b.base + (p0 + p) * b.rowStride + j0 + jb
                    let out = panel + p * nr
                    if cols == nr {
                        store(load(src), out)
                        store(load(src + 16), out + 16)
                    } else {
                        for j in 0..<cols { out[j] = src[j] }
                    }
                }
            } else {
                // Bᵀ stored: columns run along k; transpose 16 columns × 16 k-values at a time.
                let first = b.base + (j0 + jb) * b.colStride + p0
                let blocked = kc & ~15
                for half in stride(from: 0, to: cols, by: 16) {
                    for p in stride(from: 0, to: blocked, by: 16) {
                        for j in 0..<16 {
                            let column = first + (half + j) * b.colStride + p
                            scratch[j] = half + j < cols ? load(column) : Vector()
                        }
                        transpose16(scratch)
                        for q in 0..<16 { store(scratch[q], panel + (p + q) * nr + half) }
                    }
                }
                for j in 0..<cols {
                    for p in blocked..<kc { panel[p * nr + j] = first[j * b.colStride + p] }
                }
            }
            panel += nr * kc
        }
    }

    /// Transposes the 16 × 16 block in x[0..<16] (one vector per row), using x[16..<32] as
    /// scratch. Each pass splits even from odd elements of pairs of vectors, which rotates the
    /// 8-bit element index (row·16 + column) right by one bit; four passes swap row and column.
    @inline(__always)
    static func transpose16(_ x: UnsafeMutablePointer<Vector>) {
        for _ in 0..<2 {
            unshuffle(x, into: x + 16)
            unshuffle(x + 16, into: x)
        }
    }

    @inline(__always)
    private static func unshuffle(
        _ x: UnsafeMutablePointer<Vector>, into y: UnsafeMutablePointer<Vector>
    ) {
        for w in 0..<8 {
            let pair = SIMD32(lowHalf: x[2 * w], highHalf: x[2 * w + 1])
            y[w] = pair.evenHalf
            y[w + 8] = pair.oddHalf
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// Stores the first 8 lanes (mr) of v at p, leaving p[8...] alone.
    @inline(__always)
    private static func storeLowHalf(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v.lowHalf, as: SIMD8<Float>.self)
    }
}
