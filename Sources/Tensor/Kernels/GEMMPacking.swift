/// op(X) of a row-major matrix X as strides: element (row, col) is at base[row·rowStride +
/// col·colStride], so a transpose is just swapped strides.
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
enum GEMMPacking {
    /// Packs rows i0..<i0+mc, columns p0..<p0+kc of A into ⌈mc/mr⌉ panels, each kc groups of
    /// mr floats (one per row); rows past mc are zero.
    static func packA(
        _ a: MatrixView, i0: Int, mc: Int, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let mr = GEMMMicroKernel.mr
        var panel = dst
        for ib in stride(from: 0, to: mc, by: mr) {
            let rows = min(mr, mc - ib)
            if rows < mr { panel.update(repeating: 0, count: mr * kc) }
            if a.colStride == 1 {
                // A not transposed: each row is contiguous along k; read rows, scatter by mr.
                for r in 0..<rows {
                    let src = a.base + (i0 + ib + r) * a.rowStride + p0
                    for p in 0..<kc { panel[p * mr + r] = src[p] }
                }
            } else {
                // Aᵀ stored: the mr values of one p are contiguous.
                for p in 0..<kc {
                    let src = a.base + (p0 + p) * a.colStride + (i0 + ib) * a.rowStride
                    let out = panel + p * mr
                    for r in 0..<rows { out[r] = src[r * a.rowStride] }
                }
            }
            panel += mr * kc
        }
    }

    /// Packs rows p0..<p0+kc, columns j0..<j0+nc of B into ⌈nc/nr⌉ panels, each kc groups of
    /// nr floats (one per column); columns past nc are zero.
    static func packB(
        _ b: MatrixView, p0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let nr = GEMMMicroKernel.nr
        var panel = dst
        for jb in stride(from: 0, to: nc, by: nr) {
            let cols = min(nr, nc - jb)
            if cols < nr { panel.update(repeating: 0, count: nr * kc) }
            if b.colStride == 1 && cols == nr {
                // B not transposed, full panel: two vector copies per row of B.
                for p in 0..<kc {
                    let src = UnsafeRawPointer(b.base + (p0 + p) * b.rowStride + j0 + jb)
                    let out = UnsafeMutableRawPointer(panel + p * nr)
                    out.storeBytes(of: src.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    out.storeBytes(
                        of: src.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self),
                        toByteOffset: 64, as: SIMD16<Float>.self)
                }
            } else if b.colStride == 1 {
                for p in 0..<kc {
                    let src = b.base + (p0 + p) * b.rowStride + j0 + jb
                    let out = panel + p * nr
                    for j in 0..<cols { out[j] = src[j] }
                }
            } else {
                // Bᵀ stored: each column of B is contiguous along k; read it, scatter by nr.
                for j in 0..<cols {
                    let src = b.base + (j0 + jb + j) * b.colStride + p0
                    for p in 0..<kc { panel[p * nr + j] = src[p] }
                }
            }
            panel += nr * kc
        }
    }
}
