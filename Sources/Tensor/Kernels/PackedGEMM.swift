import Foundation

/// Pack buffers of one thread of a packed GEMM, reused from call to call.
final class GEMMWorkspace: @unchecked Sendable {
    /// Depth of one packed block. A kc × nr panel of B (32 KiB) stays in the 48 KiB L1 while
    /// the kernel sweeps the mr × kc panels of A over it.
    static let kc = 256
    /// Rows of A per packed block (a multiple of mr): the mc × kc block (192 KiB) stays in L2.
    static let mc = 192
    /// Columns of B per packed block (a multiple of nr): the kc × nc block (3 MiB) comes from L3.
    static let nc = 3072

    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    /// Scratch for tiles that overhang the edge of C.
    let tile: UnsafeMutablePointer<Float>

    init() {
        a = Self.allocate(Self.mc * Self.kc)
        b = Self.allocate(Self.kc * Self.nc)
        tile = Self.allocate(GEMMMicroKernel.mr * GEMMMicroKernel.nr)
    }

    deinit {
        free(a)
        free(b)
        free(tile)
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, count * MemoryLayout<Float>.stride) == 0, let raw else {
            fatalError("GEMM: out of memory for pack buffers")
        }
        return raw.bindMemory(to: Float.self, capacity: count)
    }
}

/// Single-precision GEMM in Swift: packed, cache-blocked operands and an AVX-512 register tile
/// (the classic Goto / BLIS structure).
///
/// Each element of C is summed over k in the same order whatever the thread count (threads
/// split C by rows or columns, never k), so results are bit-identical from run to run.
enum PackedGEMM {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pool: [GEMMWorkspace] = []
    /// Below this many multiply-adds (~5 µs of work) starting a second thread costs more than it saves.
    private static let threadingThreshold = 1 << 18

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, m, n, k > 0.
    static func multiply(
        _ a: UnsafePointer<Float>, transposeA: Bool,
        _ b: UnsafePointer<Float>, transposeB: Bool,
        into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float
    ) {
        let av = MatrixView(a, transposed: transposeA, columns: transposeA ? m : k)
        let bv = MatrixView(b, transposed: transposeB, columns: transposeB ? k : n)
        let mr = GEMMMicroKernel.mr, nr = GEMMMicroKernel.nr
        let mTiles = (m + mr - 1) / mr, nTiles = (n + nr - 1) / nr
        let parts = m * n * k < threadingThreshold ? 1 : min(Engine.threads, max(mTiles, nTiles))
        // Split the dimension with more tiles, in whole tiles so no tile is shared.
        let splitRows = mTiles > nTiles
        Engine.parallelFor(parts) { range in
            for part in range {
                let tiles = splitRows ? mTiles : nTiles
                let lo = tiles * part / parts, hi = tiles * (part + 1) / parts
                let rows = splitRows ? (lo * mr)..<min(hi * mr, m) : 0..<m
                let cols = splitRows ? 0..<n : (lo * nr)..<min(hi * nr, n)
                guard !rows.isEmpty, !cols.isEmpty else { continue }
                let workspace = lock.withLock { pool.popLast() } ?? GEMMWorkspace()
                block(av, bv, c: c, ldc: n, rows: rows, cols: cols, k: k,
                      alpha: alpha, beta: beta, workspace: workspace)
                lock.withLock { pool.append(workspace) }
            }
        }
    }

    /// Computes C[rows, cols] on one thread: loops over nc columns, kc depth, mc rows, then
    /// nr × mr tiles.
    private static func block(
        _ a: MatrixView, _ b: MatrixView, c: UnsafeMutablePointer<Float>, ldc: Int,
        rows: Range<Int>, cols: Range<Int>, k: Int, alpha: Float, beta: Float,
        workspace w: GEMMWorkspace
    ) {
        let mr = GEMMMicroKernel.mr, nr = GEMMMicroKernel.nr
        for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: GEMMWorkspace.nc) {
            let nc = min(GEMMWorkspace.nc, cols.upperBound - jc)
            for pc in stride(from: 0, to: k, by: GEMMWorkspace.kc) {
                let kc = min(GEMMWorkspace.kc, k - pc)
                // Later k blocks accumulate onto what the first wrote.
                let betaHere = pc == 0 ? beta : 1
                GEMMPacking.packB(b, p0: pc, kc: kc, j0: jc, nc: nc, into: w.b)
                for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: GEMMWorkspace.mc) {
                    let mc = min(GEMMWorkspace.mc, rows.upperBound - ic)
                    GEMMPacking.packA(a, i0: ic, mc: mc, p0: pc, kc: kc, into: w.a)
                    for jr in stride(from: 0, to: nc, by: nr) {
                        let bPanel = w.b + jr * kc
                        for ir in stride(from: 0, to: mc, by: mr) {
                            let aPanel = w.a + ir * kc
                            let cTile = c + (ic + ir) * ldc + jc + jr
                            let tileRows = min(mr, mc - ir), tileCols = min(nr, nc - jr)
                            if tileRows == mr && tileCols == nr {
                                GEMMMicroKernel.run(kc: kc, a: aPanel, b: bPanel, c: cTile, ldc: ldc,
                                                    alpha: alpha, beta: betaHere)
                            } else {
                                GEMMMicroKernel.run(kc: kc, a: aPanel, b: bPanel, c: w.tile, ldc: nr,
                                                    alpha: 1, beta: 0)
                                mergeEdge(w.tile, into: cTile, ldc: ldc, rows: tileRows,
                                          cols: tileCols, alpha: alpha, beta: betaHere)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes the valid corner of an edge tile with the same arithmetic as the kernel's store.
    private static func mergeEdge(
        _ tile: UnsafeMutablePointer<Float>, into c: UnsafeMutablePointer<Float>, ldc: Int,
        rows: Int, cols: Int, alpha: Float, beta: Float
    ) {
        for r in 0..<rows {
            let src = tile + r * GEMMMicroKernel.nr, dst = c + r * ldc
            for j in 0..<cols {
                let scaled = src[j] * alpha
                dst[j] = beta == 0 ? scaled : scaled.addingProduct(dst[j], beta)
            }
        }
    }
}
