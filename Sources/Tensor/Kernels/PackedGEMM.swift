import Foundation

/// Pack buffers of one thread of a packed GEMM, reused from call to call.
final class GEMMWorkspace: @unchecked Sendable {
    /// Depth of one packed block: a kc × nr panel of B (32 KiB) fits a 48 KiB L1 in the
    /// few-rows order, an mr × kc panel of A (8 KiB) in the many-rows order, and each tile's
    /// 8·32·kc FMAs far outweigh loading and storing its C tile. On Zen 4 (32 KiB L1, 1 MiB L2
    /// per core) kc = 128, whose panel fits its L1, was no faster on any benchmark shape, nor
    /// were B blocks of 512 KiB (below).
    static let kc = 256
    /// Rows of A per packed block (a multiple of mr): the mc × kc block (192 KiB) stays in L2
    /// beside B's. Set by the cache budget; on this shared machine timings were too noisy to
    /// tell 192 from its neighbours.
    static let mc = 192
    /// Size of the packed kc × nc block of B, 1 MiB: half of a 2 MiB L2, beside A's block, so
    /// every row tile reads it from L2. With nc fixed at 3072 instead, k = 1024 made it 3 MiB
    /// and each row tile streamed it from L3 again (wgrad 256×2048×1024).
    static let bBlockFloats = 1 << 18

    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    /// Scratch for tiles that overhang the edge of C.
    let tile: UnsafeMutablePointer<Float>
    /// Scratch for the packing's 16 × 16 transposes.
    let vectors: UnsafeMutablePointer<SIMD16<Float>>

    init() {
        a = Self.allocate(Self.mc * Self.kc, as: Float.self)
        b = Self.allocate(Self.bBlockFloats, as: Float.self)
        tile = Self.allocate(GEMMMicroKernel.mr * GEMMMicroKernel.nr, as: Float.self)
        vectors = Self.allocate(32, as: SIMD16<Float>.self)
    }

    deinit {
        free(a)
        free(b)
        free(tile)
        free(vectors)
    }

    /// `count` values on a 64-byte boundary (a cache line, an AVX-512 vector; `AlignedMemory`),
    /// freed with free().
    static func allocate<T>(_ count: Int, as: T.Type) -> UnsafeMutablePointer<T> {
        guard let raw = AlignedMemory.allocate(bytes: count * MemoryLayout<T>.stride) else {
            fatalError("GEMM: out of memory for pack buffers")
        }
        return raw.bindMemory(to: T.self, capacity: count)
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
    /// Below this many multiply-adds (~5 µs of work) a second thread costs more than it saves.
    private static let threadingThreshold = 1 << 18

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, m, n, k > 0.
    static func multiply(
        _ a: UnsafePointer<Float>, transposeA: Bool,
        _ b: UnsafePointer<Float>, transposeB: Bool,
        into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float, threaded: Bool = true,
        packedA: UnsafePointer<Float>? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        let av = MatrixView(a, transposed: transposeA, columns: transposeA ? m : k)
        let bv = MatrixView(b, transposed: transposeB, columns: ldb ?? (transposeB ? k : n))
        forEachBlock(m: m, n: n, k: k, tile: (GEMMMicroKernel.mr, GEMMMicroKernel.nr),
                     threaded: threaded) { rows, cols in
            let workspace = lock.withLock { pool.popLast() } ?? GEMMWorkspace()
            block(av, bv, c: c, ldc: ldc ?? n, rows: rows, cols: cols, k: k,
                  alpha: alpha, beta: beta, workspace: workspace,
                  packedA: packedA.map { PackedLeft(base: $0, m: m) })
            lock.withLock { pool.append(workspace) }
        }
    }

    /// Splits C [m × n] among the threads along the side with more tiles, in whole tiles so no
    /// tile is shared, and runs `body(rows, cols)` on each part (one part below ~5 µs of work).
    @inline(__always)
    static func forEachBlock(
        m: Int, n: Int, k: Int, tile: (rows: Int, cols: Int), threaded: Bool,
        _ body: (Range<Int>, Range<Int>) -> Void
    ) {
        let mTiles = (m + tile.rows - 1) / tile.rows, nTiles = (n + tile.cols - 1) / tile.cols
        let parts = !threaded || m * n * k < threadingThreshold ? 1 : min(Engine.threads, max(mTiles, nTiles))
        let splitRows = mTiles > nTiles
        Engine.parallelFor(parts) { range in
            for part in range {
                let tiles = splitRows ? mTiles : nTiles
                let lo = tiles * part / parts, hi = tiles * (part + 1) / parts
                let rows = splitRows ? (lo * tile.rows)..<min(hi * tile.rows, m) : 0..<m
                let cols = splitRows ? 0..<n : (lo * tile.cols)..<min(hi * tile.cols, n)
                guard !rows.isEmpty, !cols.isEmpty else { continue }
                body(rows, cols)
            }
        }
    }

    /// Computes C[rows, cols] on one thread: loops over nc columns, then kc depth, then the
    /// packed blocks' tiles.
    @inline(never)
    private static func block(
        _ a: MatrixView, _ b: MatrixView, c: UnsafeMutablePointer<Float>,
        ldc: Int, rows: Range<Int>, cols: Range<Int>, k: Int, alpha: Float, beta: Float,
        workspace w: GEMMWorkspace, packedA: PackedLeft?
    ) {
        let nr = GEMMMicroKernel.nr
        let ncBlock = max(nr, GEMMWorkspace.bBlockFloats / min(GEMMWorkspace.kc, k) / nr * nr)
        for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: ncBlock) {
            let nc = min(ncBlock, cols.upperBound - jc)
            for pc in stride(from: 0, to: k, by: GEMMWorkspace.kc) {
                let kc = min(GEMMWorkspace.kc, k - pc)
                // Later k blocks accumulate onto what the first wrote.
                let step = Step(a: a, b: b, c: c, ldc: ldc, rows: rows, jc: jc, nc: nc, pc: pc,
                                kc: kc, alpha: alpha, beta: pc == 0 ? beta : 1, workspace: w,
                                packedA: packedA)
                if rows.count <= GEMMWorkspace.mc {
                    fewRows(step)
                } else {
                    manyRows(step)
                }
            }
        }
    }

    /// One kc-deep slice of a thread's block of C.
    private struct Step {
        let a: MatrixView, b: MatrixView
        let c: UnsafeMutablePointer<Float>, ldc: Int
        let rows: Range<Int>
        let jc, nc, pc, kc: Int
        let alpha, beta: Float
        let workspace: GEMMWorkspace
        let packedA: PackedLeft?

        /// Packed rows i0..<i0+mc of this k block: from the pre-packed A, or packed now.
        @inline(__always)
        func panelsOfA(i0: Int, mc: Int) -> UnsafePointer<Float> {
            if let packedA { return packedA.base + pc * packedA.paddedRows + i0 * kc }
            GEMMPacking.packA(a, i0: i0, mc: mc, p0: pc, kc: kc, into: workspace.a,
                              scratch: workspace.vectors)
            return UnsafePointer(workspace.a)
        }
    }

    /// A packed whole by `packLeft`: for each kc block of k, all of its row panels.
    struct PackedLeft {
        let base: UnsafePointer<Float>
        let paddedRows: Int

        init(base: UnsafePointer<Float>, m: Int) {
            self.base = base
            paddedRows = PackedGEMM.paddedRows(m)
        }
    }

    /// m rounded up to whole row tiles.
    static func paddedRows(_ m: Int) -> Int {
        (m + GEMMMicroKernel.mr - 1) / GEMMMicroKernel.mr * GEMMMicroKernel.mr
    }

    /// Floats `packLeft` writes for an m × k left operand.
    static func packedLeftCount(m: Int, k: Int) -> Int { paddedRows(m) * k }

    /// Where each element of an m × k left operand lives in the packed layout, for writers
    /// that produce the operand already packed.
    struct LeftLayout {
        let m: Int, k: Int, rows: Int
        init(m: Int, k: Int) {
            self.m = m
            self.k = k
            rows = PackedGEMM.paddedRows(m)
        }

        /// Zeros the rows past m (they pad the last panel).
        func zeroPaddingRows(_ dst: UnsafeMutablePointer<Float>) {
            guard rows > m else { return }
            for p in 0..<k { for r in m..<rows { dst[index(row: r, column: p)] = 0 } }
        }

        @inline(__always)
        func index(row r: Int, column p: Int) -> Int {
            let kc = GEMMWorkspace.kc
            let pc = p / kc * kc, depth = min(kc, k - pc), mr = GEMMMicroKernel.mr
            return pc * rows + (r / mr) * mr * depth + (p - pc) * mr + r % mr
        }

        /// A[row, columns] = values[0..<columns.count].
        @inline(__always)
        func scatter(_ values: UnsafePointer<Float>, row r: Int, columns: Range<Int>,
                     into dst: UnsafeMutablePointer<Float>) {
            let kc = GEMMWorkspace.kc, mr = GEMMMicroKernel.mr
            if columns.lowerBound / kc == (columns.upperBound - 1) / kc {
                // One k block: consecutive columns are mr floats apart.
                let out = dst + index(row: r, column: columns.lowerBound)
                for t in 0..<columns.count { out[t * mr] = values[t] }
            } else {
                for (t, p) in columns.enumerated() { dst[index(row: r, column: p)] = values[t] }
            }
        }
    }

    /// Packs all of op(A) [m × k] in the layout the products read, so a left operand used by
    /// many products (a convolution's weights, once per image) is packed once.
    static func packLeft(
        _ a: UnsafePointer<Float>, transposeA: Bool, m: Int, k: Int,
        into dst: UnsafeMutablePointer<Float>
    ) {
        let av = MatrixView(a, transposed: transposeA, columns: transposeA ? m : k)
        let rows = paddedRows(m)
        // Blocks of 64 rows of one kc block, over the threads: the caller packs the weights
        // before a convolution's parallel loop starts, so a serial packing left the other
        // thread idle (1.4% of a 64×64 training step).
        let rowBlock = 64
        let rowBlocks = (m + rowBlock - 1) / rowBlock, depthBlocks = (k + GEMMWorkspace.kc - 1) / GEMMWorkspace.kc
        let units = rowBlocks * depthBlocks
        Engine.parallelFor(units, pieces: m * k / (1 << 16)) { range in
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: 32 * 64, alignment: 64)
                .bindMemory(to: SIMD16<Float>.self, capacity: 32)
            defer { scratch.deallocate() }
            for unit in range {
                let pc = unit / rowBlocks * GEMMWorkspace.kc, i0 = unit % rowBlocks * rowBlock
                let kc = min(GEMMWorkspace.kc, k - pc)
                GEMMPacking.packA(av, i0: i0, mc: min(rowBlock, m - i0), p0: pc, kc: kc,
                                  into: dst + pc * rows + i0 * kc, scratch: scratch)
            }
        }
    }

    /// All rows fit one mc block (the convolutions' small output-channel counts): B is packed one
    /// kc × 32 panel at a time, just before the row tiles sweep it from L1. Packing the whole
    /// kc × nc block first sent every B value through L3 and back for only 2·m flops each.
    @inline(__always)
    private static func fewRows(_ s: Step) {
        let w = s.workspace, mr = GEMMMicroKernel.mr, nr = GEMMMicroKernel.nr
        let a = s.panelsOfA(i0: s.rows.lowerBound, mc: s.rows.count)
        // A shallow B (k ≤ 64) swept by at most 4 row tiles (the layers on one image channel:
        // 32 outputs × 16 taps, or 16 × 32) is read where it lies, its rows a stride apart:
        // packing cost as much as the few tiles that would reuse the panel (those layers'
        // forward 6–12% faster, input gradient ~20%, measured interleaved in one process).
        let direct = s.b.colStride == 1 && s.kc <= 64 && s.rows.count <= 4 * mr
        for jr in stride(from: 0, to: s.nc, by: nr) {
            let cols = min(nr, s.nc - jr)
            var b = UnsafePointer(w.b), ldb = nr
            if direct && cols == nr {
                (b, ldb) = (s.b.base + s.pc * s.b.rowStride + s.jc + jr, s.b.rowStride)
            } else {
                GEMMPacking.packB(s.b, p0: s.pc, kc: s.kc, j0: s.jc + jr, nc: cols, into: w.b,
                                  scratch: w.vectors)
            }
            for ir in stride(from: 0, to: s.rows.count, by: mr) {
                tile(s, a: a + ir * s.kc, b: b, ldb: ldb, i: s.rows.lowerBound + ir,
                     j: s.jc + jr, rows: min(mr, s.rows.count - ir), cols: cols)
            }
        }
    }

    /// Goto's order: the kc × nc block of B packed once (L2), then mc × kc blocks of A (L2).
    /// Row tiles run outside and column tiles inside, so consecutive tiles continue along the
    /// same rows of C: down a column, rows a power of two apart (n = 16384) shared cache sets.
    @inline(__always)
    private static func manyRows(_ s: Step) {
        let w = s.workspace, mr = GEMMMicroKernel.mr, nr = GEMMMicroKernel.nr
        GEMMPacking.packB(s.b, p0: s.pc, kc: s.kc, j0: s.jc, nc: s.nc, into: w.b,
                          scratch: w.vectors)
        for ic in stride(from: s.rows.lowerBound, to: s.rows.upperBound, by: GEMMWorkspace.mc) {
            let mc = min(GEMMWorkspace.mc, s.rows.upperBound - ic)
            let a = s.panelsOfA(i0: ic, mc: mc)
            for ir in stride(from: 0, to: mc, by: mr) {
                for jr in stride(from: 0, to: s.nc, by: nr) {
                    tile(s, a: a + ir * s.kc, b: w.b + jr * s.kc, i: ic + ir,
                         j: s.jc + jr, rows: min(mr, mc - ir), cols: min(nr, s.nc - jr))
                }
            }
        }
    }

    /// The tile of C at (i, j) from packed panels; tiles overhanging C's edge go through scratch.
    @inline(__always)
    private static func tile(
        _ s: Step, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int = GEMMMicroKernel.nr,
        i: Int, j: Int, rows: Int, cols: Int
    ) {
        let c = s.c + i * s.ldc + j
        if rows == GEMMMicroKernel.mr && cols == GEMMMicroKernel.nr {
            GEMMMicroKernel.run(kc: s.kc, a: a, b: b, ldb: ldb, c: c, ldc: s.ldc, alpha: s.alpha,
                                beta: s.beta)
        } else {
            let scratch = s.workspace.tile
            GEMMMicroKernel.run(kc: s.kc, a: a, b: b, ldb: ldb, c: scratch, ldc: GEMMMicroKernel.nr,
                                alpha: 1, beta: 0)
            mergeEdge(scratch, into: c, ldc: s.ldc, rows: rows, cols: cols, alpha: s.alpha,
                      beta: s.beta)
        }
    }

    /// Writes the valid corner of an edge tile with the same arithmetic as the kernel's store.
    static func mergeEdge(
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

/// The right operand B [k × n] of a product in the order the micro-kernel reads it: for each
/// kc block of k, its ⌈n/nr⌉ column panels, each kc_block × nr floats. Writers that produce B
/// already in this order (the Winograd transforms) spare the product its packing pass.
struct PackedRightLayout {
    let k: Int, n: Int, panels: Int

    init(k: Int, n: Int) {
        self.k = k
        self.n = n
        panels = (n + GEMMMicroKernel.nr - 1) / GEMMMicroKernel.nr
    }

    /// Floats of the packed operand (the last panel padded to nr columns).
    var count: Int { panels * GEMMMicroKernel.nr * k }

    /// Index of element (row p, column j); the panel's following columns up to its end are
    /// the next floats.
    @inline(__always)
    func index(row p: Int, column j: Int) -> Int {
        let kc = GEMMWorkspace.kc, nr = GEMMMicroKernel.nr
        let pc = p / kc * kc, depth = min(kc, k - pc)
        return pc * panels * nr + (j / nr) * nr * depth + (p - pc) * nr + j % nr
    }
}

extension PackedGEMM {
    /// C[m × n] = A · B + beta · C with A packed whole (`packLeft`, or written in its layout)
    /// and B in `PackedRightLayout`: the micro-kernel on the operands as they lie, for each kc
    /// block the row tiles sweeping one column panel at a time (the panel stays in L1, A's
    /// block in L2). Padding columns of B's last panel may hold anything: their products
    /// fall outside C.
    static func multiplyPacked(
        _ a: UnsafePointer<Float>, m: Int, _ b: UnsafePointer<Float>, n: Int, k: Int,
        into c: UnsafeMutablePointer<Float>, beta: Float, threaded: Bool
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        let mr = GEMMMicroKernel.mr, nr = GEMMMicroKernel.nr
        let rows = paddedRows(m), layout = PackedRightLayout(k: k, n: n)
        forEachBlock(m: m, n: n, k: k, tile: (mr, nr), threaded: threaded) { rowRange, colRange in
          withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { buffer in
            let scratch = buffer.baseAddress!
            for pc in stride(from: 0, to: k, by: GEMMWorkspace.kc) {
                let kc = min(GEMMWorkspace.kc, k - pc)
                let stepBeta: Float = pc == 0 ? beta : 1
                for jr in stride(from: colRange.lowerBound, to: colRange.upperBound, by: nr) {
                    let panel = b + layout.index(row: pc, column: jr)
                    let cols = min(nr, n - jr)
                    for ir in stride(from: rowRange.lowerBound, to: rowRange.upperBound, by: mr) {
                        let rowsHere = min(mr, m - ir)
                        let aPanel = a + pc * rows + ir * kc
                        let target = c + ir * n + jr
                        if rowsHere == mr && cols == nr {
                            GEMMMicroKernel.run(kc: kc, a: aPanel, b: panel, ldb: nr, c: target, ldc: n,
                                                alpha: 1, beta: stepBeta)
                        } else {
                            GEMMMicroKernel.run(kc: kc, a: aPanel, b: panel, ldb: nr, c: scratch, ldc: nr,
                                                alpha: 1, beta: 0)
                            mergeEdge(scratch, into: target, ldc: n, rows: rowsHere, cols: cols,
                                      alpha: 1, beta: stepBeta)
                        }
                    }
                }
            }
          }
        }
    }
}
