import Foundation

/// Convolution kernels for 4×4, stride-2 layers (a DCGAN's middle layers, both directions) by
/// Winograd products (`WinogradForm`, `WinogradTiling`): F(4, 2) takes 25 products per 4×4
/// output tile and tap parity where unfolding takes 64, so 61% fewer multiply-adds on planes
/// that divide into whole tiles (fewer on 7×7 planes, whose last tiles are partly outside).
///
/// Each thread takes chunks of images; a chunk is staged channels-last, transformed into the
/// product operands, multiplied and transformed back while its operands are in cache. As with
/// `ConvolutionKernels`, every output value is computed by one thread in an order fixed by the
/// geometry and the thread count.
enum WinogradConvolution {
    /// y = conv(x, w), with `rectifierSlope` leakyReLU(conv(x, w)).
    static func forward(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, rectifierSlope: Float?
    ) {
        if usesF4(g) {
            WinogradKernels<WinogradF4>.forward(g, x: x, weight: weight, y: y, rectifierSlope: rectifierSlope)
        } else {
            WinogradKernels<WinogradF2>.forward(g, x: x, weight: weight, y: y, rectifierSlope: rectifierSlope)
        }
    }

    /// F(4, 2) where an image's output plane has at least four 4×4 tiles (8×8 and up, and
    /// 7×7); smaller planes take F(2, 2). On a 4×4 plane F(4, 2)'s one tile per image left its
    /// 25 transformed weight matrices (13 MB for 128 → 256 channels) larger than the products
    /// they saved.
    static func usesF4(_ g: ConvGeometry) -> Bool {
        return ((g.outHeight + 3) / 4) * ((g.outWidth + 3) / 4) >= 4
    }

    /// dw = conv_weight_grad(x, dy); with `alsoForward`, also y = conv(x, w).
    static func weightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>,
        alsoForward: (weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>)?
    ) {
        if usesF4(g) {
            WinogradKernels<WinogradF4>.weightGradient(g, x: x, dy: dy, dw: dw, alsoForward: alsoForward)
        } else {
            WinogradKernels<WinogradF2>.weightGradient(g, x: x, dy: dy, dw: dw, alsoForward: alsoForward)
        }
    }

    /// dx = conv_input_grad(dy, w).
    static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        if usesF4(g) {
            WinogradKernels<WinogradF4>.inputGradient(g, dy: dy, weight: weight, dx: dx)
        } else {
            WinogradKernels<WinogradF2>.inputGradient(g, dy: dy, weight: weight, dx: dx)
        }
    }

    /// How a layer's batch is cut into chunks of images. A chunk's transformed operands and
    /// products stay within ~512 KiB where that leaves at least as many tiles as the products
    /// have rows (and at least 128): the
    /// transformed weights (planes × rows × depth) are read once per chunk, and on a deep layer
    /// with few tiles per image (128 → 256 channels on 4 × 4 outputs) small chunks re-read
    /// megabytes of them for a few columns each. When that leaves fewer than two chunks per
    /// thread, the chunks run one after another, each one's transforms and products split over
    /// the threads (wide).
    struct Chunking {
        let batch: Int, perChunk: Int, chunks: Int, wide: Bool

        init(_ g: ConvGeometry, operandFloatsPerImage: Int, tilesPerImage: Int, rows: Int) {
            let forCache = max(1, (1 << 17) / max(1, operandFloatsPerImage))
            let forTiles = (max(128, rows) + tilesPerImage - 1) / max(1, tilesPerImage)
            let wanted = max(1, min(g.batch, max(forCache, forTiles)))
            let count = (g.batch + wanted - 1) / wanted
            batch = g.batch
            perChunk = (g.batch + count - 1) / count
            chunks = (g.batch + perChunk - 1) / perChunk
            wide = Engine.threads > 1 && chunks < 2 * Engine.threads
        }

        func images(_ chunk: Int) -> Range<Int> {
            (chunk * perChunk)..<min(batch, (chunk + 1) * perChunk)
        }

        /// body(images, scratch, wide) for every chunk: threads take chunks in turn, or (wide)
        /// the chunks run in order on the calling thread's scratch.
        func run(_ body: (Range<Int>, ConvolutionScratch, Bool) -> Void) {
            if wide {
                let scratch = ConvolutionScratch.take()
                defer { ConvolutionScratch.give(scratch) }
                for chunk in 0..<chunks { body(images(chunk), scratch, true) }
                return
            }
            Engine.parallelFor(chunks, pieces: chunks) { range in
                let scratch = ConvolutionScratch.take()
                defer { ConvolutionScratch.give(scratch) }
                for chunk in range { body(images(chunk), scratch, false) }
            }
        }
    }
}

/// The kernels for one Winograd form F.
enum WinogradKernels<F: WinogradForm> {
    typealias Lanes = WinogradLanes8.Lanes

    static func forward(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, rectifierSlope: Float?
    ) {
        let kernel = ForwardKernel(g, weight: weight)
        let t = WinogradTiling(g, m: F.m)
        let chunking = WinogradConvolution.Chunking(
            g, operandFloatsPerImage: F.planes * t.tilesPerImage * (4 * g.inChannels + g.outChannels),
            tilesPerImage: t.tilesPerImage, rows: g.outChannels)
        let panels = g.inChannels % 16 == 0
        chunking.run { images, scratch, wide in
            if panels {
                let v = forwardPanels(t, x: x, images: images, scratch: scratch, wide: wide)
                kernel.applyPacked(t, v, images: images, y: y, scratch: scratch, wide: wide)
            } else {
                let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide)
                kernel.apply(t, v, images: images, y: y, scratch: scratch, wide: wide)
            }
            if let slope = rectifierSlope {
                let plane = g.outChannels * g.outPlane
                Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { r in
                    Pointwise.rectify(y + (images.lowerBound + r.lowerBound) * plane,
                                      count: r.count * plane, slope: slope)
                }
            }
        }
        withExtendedLifetime(kernel) {}
    }

    /// The batch is cut into fixed groups by index; each group sums its chunks' products in
    /// order, transforms them to taps, and the groups' taps are added in group order.
    static func weightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>,
        alsoForward: (weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>)?
    ) {
        let t = WinogradTiling(g, m: F.m)
        let depth = 4 * g.inChannels
        let kernel = alsoForward.map { ForwardKernel(g, weight: $0.weight) }
        let chunking = WinogradConvolution.Chunking(
            g, operandFloatsPerImage: F.planes * t.tilesPerImage * (depth + g.outChannels),
            tilesPerImage: t.tilesPerImage, rows: g.outChannels)
        let chunks = chunking.chunks
        // Chunks over the threads, one group per thread (each group's products are 25/16 of
        // dw's size; more partials cost more than the balance they bought). Wide: one group,
        // its products split over the threads.
        let groups = chunking.wide ? 1 : min(chunks, Engine.threads)
        let size = g.outChannels * g.patchSize
        let partials = groups > 1 ? Tensor(uninitialized: [groups - 1, size]) : nil
        let productPlane = WinogradTransforms.planeStride(g.outChannels * depth)
        Engine.parallelFor(groups, pieces: groups) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            for group in range {
                let products = scratch.floats(4, count: F.planes * productPlane)
                let lo = chunks * group / groups, hi = chunks * (group + 1) / groups
                for chunk in lo..<hi {
                    let images = chunking.images(chunk), wide = chunking.wide
                    let tiles = images.count * t.tilesPerImage
                    let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide)
                    let uPlane = WinogradTransforms.planeStride(g.outChannels * tiles)
                    let vPlane = WinogradTransforms.planeStride(tiles * depth)
                    let u = scratch.floats(2, count: F.planes * uPlane)
                    Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { r in
                        gradientTiles(t, dy: dy, images: images, part: r, into: u)
                    }
                    for p in 0..<F.planes {
                        GEMM.multiply(u + p * uPlane, transposeA: false,
                                      v + p * vPlane, transposeB: false,
                                      into: products + p * productPlane,
                                      m: g.outChannels, n: depth, k: tiles,
                                      beta: chunk == lo ? 0 : 1, threaded: wide)
                    }
                    if let kernel, let y = alsoForward?.y {
                        kernel.apply(t, v, images: images, y: y, scratch: scratch, wide: wide)
                    }
                }
                let target = group == 0 ? dw : partials!.data + (group - 1) * size
                weightsFromProducts(g, products, into: target)
            }
        }
        withExtendedLifetime(kernel) {}
        guard let partials else { return }
        Engine.parallelFor(size, grain: Pointwise.grain) { range in
            for group in 0..<(groups - 1) {
                let src = partials.data + group * size
                for i in range { dw[i] += src[i] }
            }
        }
    }

    /// Each parity (bh, bw) of the padded input is a 2-tap, stride-1 correlation of dy with the
    /// flipped taps w[bh + 2(1 − a)][bw + 2(1 − a′)], computed as its own products.
    static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        let t = WinogradTiling(g, m: F.m)
        let cin = g.inChannels, cout = g.outChannels, planes = F.planes
        // U[phase][p] [cin, cout], written packed for the products.
        let lefts = packedFilters(
            weight, rows: cin, depth: cout, count: 4, rowStride: 16,
            columnBase: { o, phase in o * cin * 16 + ((phase >> 1) + 2) * 4 + (phase & 1) + 2 }, step: -2)
        let tilesPerImage = t.gradientTilesPerImage
        // One parity's operand and two parities' products are live at a time.
        let chunking = WinogradConvolution.Chunking(
            g, operandFloatsPerImage: planes * tilesPerImage * (cout + 2 * cin),
            tilesPerImage: tilesPerImage, rows: cin)
        let stagedRows = t.rows.staged, stagedColumns = t.columns.staged
        let stagedImage = stagedRows * stagedColumns * cout
        let panels = cout % 16 == 0
        chunking.run { images, scratch, wide in
            let count = images.count, tiles = count * tilesPerImage
            let staged = scratch.floats(0, count: count * stagedImage)
            let vPlane = WinogradTransforms.planeStride(tiles * cout)
            let panelPlane = WinogradTransforms.planeStride(PackedRightLayout(k: cout, n: tiles).count)
            let mPlane = WinogradTransforms.planeStride(cin * tiles)
            let v = scratch.floats(1, count: planes * max(vPlane, panelPlane))
            let m = scratch.floats(2, count: 2 * planes * mPlane)
            let pieces = wide ? count : 1
            Engine.parallelFor(count, pieces: pieces) { r in
                WinogradTransforms.stageChannelsLast(
                    dy + (images.lowerBound + r.lowerBound) * cout * g.outPlane, images: r.count,
                    channels: cout, height: g.outHeight, width: g.outWidth, rows: stagedRows,
                    columns: stagedColumns, rowOrigin: t.rows.origin, columnOrigin: t.columns.origin,
                    into: staged + r.lowerBound * stagedImage)
            }
            for bh in 0..<2 {
                for bw in 0..<2 {
                    let phase = 2 * bh + bw
                    let r0 = t.rows.first(bh) - 1 - t.rows.origin
                    let s0 = t.columns.first(bw) - 1 - t.columns.origin
                    let rowFloats = stagedColumns * cout
                    let products = m + bw * planes * mPlane
                    if panels {
                        let groups = (tiles + 15) / 16, tw = t.columns.tiles
                        Engine.parallelFor(groups, pieces: wide ? groups : 1) { range in
                            writePanels(
                                tiles: (range.lowerBound * 16)..<min(tiles, range.upperBound * 16),
                                totalTiles: tiles, channels: cout, phases: 1,
                                window: { tile in
                                    let n = tile / tilesPerImage, rest = tile % tilesPerImage
                                    let row = r0 + F.m * (rest / tw), column = s0 + F.m * (rest % tw)
                                    return n * stagedImage + (row * stagedColumns + column) * cout
                                },
                                phaseOffset: { _ in 0 }, base: staged, rowStep: rowFloats, columnStep: cout, into: v, planeStride: panelPlane)
                        }
                        for p in 0..<planes {
                            PackedGEMM.multiplyPacked(lefts[phase * planes + p].packed!, m: cin, v + p * panelPlane,
                                                      n: tiles, k: cout, into: products + p * mPlane,
                                                      beta: 0, threaded: wide)
                        }
                        continue
                    }
                    Engine.parallelFor(count, pieces: pieces) { r in
                        for n in r {
                            for ty in 0..<t.rows.tiles {
                                for tx in 0..<t.columns.tiles {
                                    let tile = (n * t.rows.tiles + ty) * t.columns.tiles + tx
                                    let window = staged + n * stagedImage
                                        + ((r0 + F.m * ty) * stagedColumns + s0 + F.m * tx) * cout
                                    inputTile(window, rowStep: rowFloats, columnStep: cout, channels: cout,
                                              into: v + tile * cout, planeStride: vPlane)
                                }
                            }
                        }
                    }
                    for p in 0..<planes {
                        GEMM.multiply(lefts[phase * planes + p], v + p * vPlane, transposeB: true,
                                      into: products + p * mPlane, n: tiles, threaded: wide)
                    }
                }
                Engine.parallelFor(count, pieces: pieces) { r in
                    scatterInputGradient(t, m, rowParity: bh, images: images, part: r, dx: dx)
                }
            }
        }
        withExtendedLifetime(lefts) {}
    }

    // MARK: - Pieces

    /// Bᵀ d B of the α × α windows at `window`, elements `rowStep` and `columnStep` floats
    /// apart, for `channels` consecutive channels (channels-last staging): plane p of the
    /// result at out + p·planeStride + c.
    @inline(__always)
    static func inputTile(
        _ window: UnsafePointer<Float>, rowStep: Int, columnStep: Int, channels: Int,
        into out: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        @inline(__always) func tile<L: WinogradLanes>(_: L.Type, _ c: Int) {
            WinogradTile<F>.data(
                { i, j in UnsafeRawPointer(window + c + i * rowStep + j * columnStep).loadUnaligned(as: L.self) },
                { p, value in UnsafeMutableRawPointer(out + c + p * planeStride).storeBytes(of: value, as: L.self) })
        }
        var c = 0
        while c + 16 <= channels { tile(SIMD16<Float>.self, c); c += 16 }
        while c + 4 <= channels { tile(SIMD4<Float>.self, c); c += 4 }
        while c < channels { tile(Float.self, c); c += 1 }
    }

    /// The forward kernel's transformed weight matrices U[p] [out, 4·in], with depth index
    /// (phase, channel), each packed once for all chunks.
    final class ForwardKernel {
        let lefts: [GEMMLeftOperand]

        init(_ g: ConvGeometry, weight: UnsafePointer<Float>) {
            let cin = g.inChannels
            lefts = WinogradKernels.packedFilters(
                weight, rows: g.outChannels, depth: 4 * cin, count: 1, rowStride: 16 * cin,
                columnBase: { k, _ in
                    let phase = k / cin
                    return k % cin * 16 + (phase >> 1) * 4 + (phase & 1)
                }, step: 2)
        }

        /// y of the chunk's images from its input transformed into packed panels.
        func applyPacked(
            _ t: WinogradTiling, _ v: UnsafePointer<Float>, images: Range<Int>,
            y: UnsafeMutablePointer<Float>, scratch: ConvolutionScratch, wide: Bool
        ) {
            let g = t.g
            let tiles = images.count * t.tilesPerImage, depth = 4 * g.inChannels
            let mPlane = WinogradTransforms.planeStride(g.outChannels * tiles)
            let vPlane = WinogradTransforms.planeStride(PackedRightLayout(k: depth, n: tiles).count)
            let m = scratch.floats(3, count: F.planes * mPlane)
            for p in 0..<F.planes {
                PackedGEMM.multiplyPacked(lefts[p].packed!, m: g.outChannels, v + p * vPlane, n: tiles,
                                          k: depth, into: m + p * mPlane, beta: 0, threaded: wide)
            }
            Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { r in
                WinogradKernels.scatterOutput(t, m, images: images, part: r, y: y)
            }
        }

        /// y of the chunk's images from its transformed input v.
        func apply(
            _ t: WinogradTiling, _ v: UnsafePointer<Float>, images: Range<Int>,
            y: UnsafeMutablePointer<Float>, scratch: ConvolutionScratch, wide: Bool
        ) {
            let g = t.g
            let tiles = images.count * t.tilesPerImage, depth = 4 * g.inChannels
            let mPlane = WinogradTransforms.planeStride(g.outChannels * tiles)
            let vPlane = WinogradTransforms.planeStride(tiles * depth)
            let m = scratch.floats(3, count: F.planes * mPlane)
            for p in 0..<F.planes {
                GEMM.multiply(lefts[p], v + p * vPlane, transposeB: true,
                              into: m + p * mPlane, n: tiles, threaded: wide)
            }
            Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { r in
                WinogradKernels.scatterOutput(t, m, images: images, part: r, y: y)
            }
        }
    }

    /// Transformed 2×2 tap sets written straight into the products' packed left operands,
    /// eight rows at a time: `count` groups of `planes` matrices [rows, depth]. Tap (a, a′) of
    /// row r, column k in group q is weight[r·rowStride + columnBase(k, q) + step·(4a + a′)],
    /// step 2, or −2 for the input gradient's reversed taps.
    static func packedFilters(
        _ weight: UnsafePointer<Float>, rows: Int, depth: Int, count: Int, rowStride: Int,
        columnBase: (Int, Int) -> Int, step: Int
    ) -> [GEMMLeftOperand] {
        let size = PackedGEMM.packedLeftCount(m: rows, k: depth)
        let plane = WinogradTransforms.planeStride(size), planes = F.planes
        let storage = Tensor(uninitialized: [count * planes * plane])
        let layout = PackedGEMM.LeftLayout(m: rows, k: depth)
        let bases = (0..<(count * depth)).map { columnBase($0 % depth, $0 / depth) }
        let blocks = (rows + 7) / 8
        bases.withUnsafeBufferPointer { bases in
            Engine.parallelFor(blocks * count, grain: 1) { range in
                for unit in range {
                    let group = unit / blocks, r0 = unit % blocks * 8, lanes = min(8, rows - r0)
                    let base = storage.data + group * planes * plane
                    for k in 0..<depth {
                        let first = weight + r0 * rowStride + bases[group * depth + k]
                        var f00 = Lanes(), f01 = Lanes(), f10 = Lanes(), f11 = Lanes()
                        for lane in 0..<lanes {
                            let taps = first + lane * rowStride
                            f00[lane] = taps[0]
                            f01[lane] = taps[step]
                            f10[lane] = taps[4 * step]
                            f11[lane] = taps[5 * step]
                        }
                        let at = base + layout.index(row: r0, column: k)
                        WinogradTile<F>.filter(
                            { a, b in a == 0 ? (b == 0 ? f00 : f01) : (b == 0 ? f10 : f11) },
                            { p, value in
                                UnsafeMutableRawPointer(at + p * plane).storeBytes(of: value, as: Lanes.self)
                            })
                    }
                }
            }
        }
        return (0..<(count * planes)).map {
            GEMMLeftOperand(packed: storage.data + $0 * plane, storage: storage, m: rows, k: depth)
        }
    }

    /// Transforms tiles `range` (a start divisible by 16) straight into the products' packed
    /// right operands V[p] [depth, tiles] (`PackedRightLayout`): sixteen tiles × sixteen
    /// channels at a time, each plane's block transposed in registers so that a tile row of the
    /// panel is one vector store. base + window(tile) + phaseOffset(q) is the tile's first
    /// input (channel 0) of phase q, whose channels are rows q·channels ..< (q + 1)·channels.
    @inline(__always)
    static func writePanels(
        tiles range: Range<Int>, totalTiles: Int, channels: Int, phases: Int,
        window: (Int) -> Int, phaseOffset: (Int) -> Int, base: UnsafePointer<Float>,
        rowStep: Int, columnStep: Int, into v: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        typealias Vector = SIMD16<Float>
        let planes = F.planes
        let layout = PackedRightLayout(k: phases * channels, n: totalTiles)
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: planes * 16 + 32) { buffer in
            let work = buffer.baseAddress!, block = work + planes * 16
            var windows = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            for j0 in Swift.stride(from: range.lowerBound, to: range.upperBound, by: 16) {
                let count = min(16, range.upperBound - j0)
                withUnsafeMutableBytes(of: &windows) { raw in
                    let w = raw.bindMemory(to: Int.self)
                    for q in 0..<count { w[q] = window(j0 + q) }
                }
                for phase in 0..<phases {
                    let shift = phaseOffset(phase)
                    for c0 in Swift.stride(from: 0, to: channels, by: 16) {
                        for q in 0..<16 {
                            guard q < count else {
                                for p in 0..<planes { work[p * 16 + q] = Vector() }
                                continue
                            }
                            let offset = withUnsafeBytes(of: &windows) { $0.bindMemory(to: Int.self)[q] }
                            let start = base + offset + shift + c0
                            WinogradTile<F>.data(
                                { i, j in UnsafeRawPointer(start + i * rowStep + j * columnStep).loadUnaligned(as: Vector.self) },
                                { p, value in work[p * 16 + q] = value })
                        }
                        for p in 0..<planes {
                            for q in 0..<16 { block[q] = work[p * 16 + q] }
                            GEMMPacking.transpose16(block)
                            let out = v + p * planeStride
                            for q in 0..<16 {
                                let at = layout.index(row: phase * channels + c0 + q, column: j0)
                                UnsafeMutableRawPointer(out + at).storeBytes(of: block[q], as: Vector.self)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The chunk's input transformed into packed right operands (see `writePanels`) for the
    /// forward products alone: staged channels-last into scratch slot 0, V in slot 1.
    static func forwardPanels(
        _ t: WinogradTiling, x: UnsafePointer<Float>, images: Range<Int>,
        scratch: ConvolutionScratch, wide: Bool
    ) -> UnsafeMutablePointer<Float> {
        let g = t.g, cin = g.inChannels, m = F.m
        let rows = t.stagedRows, columns = t.stagedColumns, imageFloats = rows * columns * cin
        let tiles = images.count * t.tilesPerImage, perImage = t.tilesPerImage, tw = t.tileColumns
        let staged = scratch.floats(0, count: images.count * imageFloats)
        Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { part in
            WinogradTransforms.stageChannelsLast(
                x + (images.lowerBound + part.lowerBound) * cin * g.inHeight * g.inWidth,
                images: part.count, channels: cin, height: g.inHeight, width: g.inWidth,
                rows: rows, columns: columns, rowOrigin: -g.padHeight, columnOrigin: -g.padWidth,
                into: staged + part.lowerBound * imageFloats)
        }
        let vPlane = WinogradTransforms.planeStride(PackedRightLayout(k: 4 * cin, n: tiles).count)
        let v = scratch.floats(1, count: F.planes * vPlane)
        let groups = (tiles + 15) / 16
        Engine.parallelFor(groups, pieces: wide ? groups : 1) { range in
            writePanels(
                tiles: (range.lowerBound * 16)..<min(tiles, range.upperBound * 16), totalTiles: tiles,
                channels: cin, phases: 4,
                window: { tile in
                    let n = tile / perImage, rest = tile % perImage
                    let row = 2 * m * (rest / tw), column = 2 * m * (rest % tw)
                    return n * imageFloats + (row * columns + column) * cin
                },
                phaseOffset: { (($0 >> 1) * columns + ($0 & 1)) * cin }, base: staged,
                rowStep: 2 * columns * cin, columnStep: 2 * cin, into: v, planeStride: vPlane)
        }
        return v
    }

    /// The chunk's input staged channels-last and transformed: V[p] [tiles, 4·in] with depth
    /// index (phase, channel), in scratch slot 1. Wide: images over the threads, each staging
    /// into its own scratch.
    static func forwardOperand(
        _ t: WinogradTiling, x: UnsafePointer<Float>, images: Range<Int>,
        scratch: ConvolutionScratch, wide: Bool
    ) -> UnsafeMutablePointer<Float> {
        let g = t.g, cin = g.inChannels, depth = 4 * cin, m = F.m
        let rows = t.stagedRows, columns = t.stagedColumns
        let tiles = images.count * t.tilesPerImage
        let vPlane = WinogradTransforms.planeStride(tiles * depth)
        let v = scratch.floats(1, count: F.planes * vPlane)
        let rowFloats = columns * cin
        func transform(_ part: Range<Int>, _ own: ConvolutionScratch) {
            let staged = own.floats(0, count: part.count * rows * columns * cin)
            WinogradTransforms.stageChannelsLast(
                x + (images.lowerBound + part.lowerBound) * cin * g.inHeight * g.inWidth,
                images: part.count, channels: cin, height: g.inHeight, width: g.inWidth,
                rows: rows, columns: columns, rowOrigin: -g.padHeight, columnOrigin: -g.padWidth,
                into: staged)
            for n in part {
                let image = staged + (n - part.lowerBound) * rows * rowFloats
                for ty in 0..<t.tileRows {
                    for tx in 0..<t.tileColumns {
                        let tile = (n * t.tileRows + ty) * t.tileColumns + tx
                        for phase in 0..<4 {
                            let bh = phase >> 1, bw = phase & 1
                            let window = image + ((2 * m * ty + bh) * columns + 2 * m * tx + bw) * cin
                            inputTile(window, rowStep: 2 * rowFloats, columnStep: 2 * cin, channels: cin,
                                      into: v + tile * depth + phase * cin, planeStride: vPlane)
                        }
                    }
                }
            }
        }
        guard wide else {
            transform(0..<images.count, scratch)
            return v
        }
        Engine.parallelFor(images.count, pieces: images.count) { part in
            let own = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(own) }
            transform(part, own)
        }
        return v
    }

    /// A g Aᵀ of every m × m tile of dy for the chunk: Ũ[p] [out, tiles] (zero past the plane).
    /// Eight consecutive tiles (across images where a plane has fewer) go through the vector
    /// transform together: their values gathered tile by tile, the results stored per plane.
    static func gradientTiles(
        _ t: WinogradTiling, dy: UnsafePointer<Float>, images: Range<Int>, part: Range<Int>,
        into u: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, m = F.m, tiles = images.count * t.tilesPerImage
        let oh = g.outHeight, ow = g.outWidth, stride = WinogradTransforms.planeStride(g.outChannels * tiles)
        let tw = t.tileColumns, perImage = t.tilesPerImage
        let range = (part.lowerBound * perImage)..<(part.upperBound * perImage)
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: m * m) { buffer in
            let values = buffer.baseAddress!
            let lanes = UnsafeMutableRawPointer(values).assumingMemoryBound(to: Float.self)
            WinogradLanes8.forEachGroup(range, perImage: perImage, channels: g.outChannels) { o, first in
                let out = u + o * tiles
                
                    let count = min(8, range.upperBound - first)
                    var cursor = TileCursor(first, perImage: perImage, columns: tw)
                    for lane in 0..<8 {
                        guard lane < count else {
                            for i in 0..<(m * m) { lanes[i * 8 + lane] = 0 }
                            continue
                        }
                        let n = cursor.image, h0 = m * cursor.row, w0 = m * cursor.column
                        cursor.advance()
                        let plane = dy + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane + h0 * ow + w0
                        if h0 + m <= oh && w0 + m <= ow {
                            for r in 0..<m { for c in 0..<m { lanes[(r * m + c) * 8 + lane] = plane[r * ow + c] } }
                        } else {
                            for r in 0..<m {
                                for c in 0..<m {
                                    lanes[(r * m + c) * 8 + lane] = h0 + r < oh && w0 + c < ow ? plane[r * ow + c] : 0
                                }
                            }
                        }
                    }
                    let target = out + first
                    WinogradTile<F>.gradient({ r, c in values[r * m + c] }) { p, value in
                        if count == 8 {
                            UnsafeMutableRawPointer(target + p * stride).storeBytes(of: value, as: Lanes.self)
                        } else {
                            for lane in 0..<count { target[p * stride + lane] = value[lane] }
                        }
                    }
                }
        }
    }

    /// dw [out, in, 4, 4] from the summed products M[p] [out, (phase, in)]: Gᵀ M G per tap set.
    static func weightsFromProducts(
        _ g: ConvGeometry, _ m: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>
    ) {
        let cin = g.inChannels, depth = 4 * cin
        let plane = WinogradTransforms.planeStride(g.outChannels * depth)
        Engine.parallelFor(g.outChannels, grain: 8) { range in
            for o in range {
                for c in 0..<cin {
                    let taps = dw + (o * cin + c) * 16
                    for phase in 0..<4 {
                        let bh = phase >> 1, bw = phase & 1
                        let products = m + o * depth + phase * cin + c
                        WinogradTile<F>.taps({ products[$0 * plane] },
                                             { a, b, value in taps[(bh + 2 * a) * 4 + bw + 2 * b] = value })
                    }
                }
            }
        }
    }

    /// Aᵀ M A of the eight tiles whose products start at m (planes `stride` apart) into
    /// outputs[(u·m + u′)·8 + lane]; lanes past `count` read the planes' padding or the next
    /// row and are not used.
    @inline(__always)
    static func outputTiles(_ m: UnsafePointer<Float>, stride: Int, into outputs: UnsafeMutablePointer<Lanes>) {
        WinogradTile<F>.output(
            { p in UnsafeRawPointer(m + p * stride).loadUnaligned(as: Lanes.self) },
            { u, c, value in outputs[u * F.m + c] = value })
    }

    /// y of the chunk from the products M[p] [out, tiles]: Aᵀ M A on eight tiles at a time,
    /// each tile's outputs then stored where they lie in its image (dropping what lies outside
    /// a plane that does not divide into whole tiles).
    static func scatterOutput(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, images: Range<Int>, part: Range<Int>,
        y: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, mm = F.m, tiles = images.count * t.tilesPerImage
        let oh = g.outHeight, ow = g.outWidth, stride = WinogradTransforms.planeStride(g.outChannels * tiles)
        let tw = t.tileColumns, perImage = t.tilesPerImage
        let range = (part.lowerBound * perImage)..<(part.upperBound * perImage)
        if oh % mm == 0, ow % mm == 0, WinogradLanes8.groups(columns: tw, perImage: perImage) {
            // Whole tiles in groups along rows: each output row one interleaved run per tile row.
            let run = mm * min(tw, 8)
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 2 * mm * mm) { buffer in
                let outputs = buffer.baseAddress!, row = outputs + mm * mm
                let rowFloats = UnsafeRawPointer(row).assumingMemoryBound(to: Float.self)
                for n in part {
                    for o in 0..<g.outChannels {
                        let plane = y + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane
                        let products = m + o * tiles + n * perImage
                        for first in Swift.stride(from: 0, to: perImage, by: 8) {
                            outputTiles(products + first, stride: stride, into: outputs)
                            let top = plane + mm * (first / tw) * ow + mm * (first % tw)
                            for u in 0..<mm {
                                WinogradLanes8.interleave(outputs + u * mm, count: mm, into: row)
                                WinogradLanes8.storeRuns(rowFloats, count: 8 * mm, run: run,
                                                         rowStep: mm * ow, into: top + u * ow)
                            }
                        }
                    }
                }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 2 * mm * mm) { buffer in
            let outputs = buffer.baseAddress!, rows = outputs + mm * mm
            let rowFloats = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
            WinogradLanes8.forEachGroup(range, perImage: perImage, channels: g.outChannels) { o, first in
                let products = m + o * tiles
                
                    outputTiles(products + first, stride: stride, into: outputs)
                    // Row u of each tile: its m outputs side by side (tile k's at k·m).
                    for u in 0..<mm {
                        WinogradLanes8.interleave(outputs + u * mm, count: mm, into: rows + u * mm)
                    }
                    var cursor = TileCursor(first, perImage: perImage, columns: tw)
                    for lane in 0..<min(8, range.upperBound - first) {
                        let n = cursor.image, h0 = mm * cursor.row, w0 = mm * cursor.column
                        cursor.advance()
                        let plane = y + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane + h0 * ow + w0
                        let width = min(mm, ow - w0)
                        for u in 0..<min(mm, oh - h0) {
                            WinogradLanes8.copy(rowFloats + u * 8 * mm + lane * mm, count: width, full: mm,
                                                into: plane + u * ow)
                        }
                    }
                }
        }
    }

    /// The dx rows of row parity bh from the products of its two column parities, m[bw][p]
    /// [in, tiles], eight tiles of a parity at a time.
    static func scatterInputGradient(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, rowParity bh: Int, images: Range<Int>,
        part: Range<Int>, dx: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, mm = F.m, tiles = images.count * t.gradientTilesPerImage
        let rowsUsed = t.rows.count(bh)
        let r0 = 2 * t.rows.first(bh) + bh - g.padHeight
        let iw = g.inWidth, stride = WinogradTransforms.planeStride(g.inChannels * tiles)
        let parityProducts = F.planes * stride
        let tw = t.columns.tiles, perImage = t.gradientTilesPerImage
        let range = (part.lowerBound * perImage)..<(part.upperBound * perImage)
        let columnsUsed = t.columns.count(0)
        let whole = columnsUsed == mm * tw && t.columns.count(1) == mm * tw && rowsUsed == mm * t.rows.tiles
        if whole, WinogradLanes8.groups(columns: tw, perImage: perImage) {
            // Whole tiles, eight of them along one tile row or covering whole rows: each
            // output row of the group is one interleaved run per tile row, stored as vectors.
            let evenParity = (2 * t.columns.first(0) - g.padWidth) == 0 ? 0 : 1
            let s0 = 2 * t.columns.first(evenParity) + evenParity - g.padWidth
            let run = 2 * mm * min(tw, 8)
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 4 * mm * mm) { buffer in
                let outputs = buffer.baseAddress!, row = outputs + 2 * mm * mm
                let rowFloats = UnsafeRawPointer(row).assumingMemoryBound(to: Float.self)
                for n in part {
                    for c in 0..<g.inChannels {
                        let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw
                            + r0 * iw + s0
                        let even = m + evenParity * parityProducts + c * tiles + n * perImage
                        let odd = m + (1 - evenParity) * parityProducts + c * tiles + n * perImage
                        for first in Swift.stride(from: 0, to: perImage, by: 8) {
                            WinogradTile<F>.output(
                                { p in UnsafeRawPointer(even + first + p * stride).loadUnaligned(as: Lanes.self) },
                                { u, v, value in outputs[u * 2 * mm + 2 * v] = value })
                            WinogradTile<F>.output(
                                { p in UnsafeRawPointer(odd + first + p * stride).loadUnaligned(as: Lanes.self) },
                                { u, v, value in outputs[u * 2 * mm + 2 * v + 1] = value })
                            let top = plane + 2 * mm * (first / tw) * iw + 2 * mm * (first % tw)
                            for u in 0..<mm {
                                WinogradLanes8.interleave(outputs + u * 2 * mm, count: 2 * mm, into: row)
                                WinogradLanes8.storeRuns(rowFloats, count: 16 * mm, run: run,
                                                         rowStep: 2 * mm * iw, into: top + 2 * u * iw)
                            }
                        }
                    }
                }
            }
            return
        }
        if columnsUsed == t.columns.count(1) {
            // Both column parities together: row u of a tile is then 2m consecutive columns,
            // the parity whose first column is even at the even ones.
            let evenParity = (2 * t.columns.first(0) - g.padWidth) == 0 ? 0 : 1
            let s0 = 2 * t.columns.first(evenParity) + evenParity - g.padWidth
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 4 * mm * mm) { buffer in
                let outputs = buffer.baseAddress!, rows = outputs + 2 * mm * mm
                let rowFloats = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
                WinogradLanes8.forEachGroup(range, perImage: perImage, channels: g.inChannels) { c, first in
                    let even = m + evenParity * parityProducts + c * tiles
                    let odd = m + (1 - evenParity) * parityProducts + c * tiles
                    
                        // outputs[u][2v + parity]
                        WinogradTile<F>.output(
                            { p in UnsafeRawPointer(even + first + p * stride).loadUnaligned(as: Lanes.self) },
                            { u, v, value in outputs[u * 2 * mm + 2 * v] = value })
                        WinogradTile<F>.output(
                            { p in UnsafeRawPointer(odd + first + p * stride).loadUnaligned(as: Lanes.self) },
                            { u, v, value in outputs[u * 2 * mm + 2 * v + 1] = value })
                        for u in 0..<mm {
                            WinogradLanes8.interleave(outputs + u * 2 * mm, count: 2 * mm, into: rows + u * 2 * mm)
                        }
                        var cursor = TileCursor(first, perImage: perImage, columns: tw)
                        for lane in 0..<min(8, range.upperBound - first) {
                            let n = cursor.image, j0 = mm * cursor.row, i0 = mm * cursor.column
                            cursor.advance()
                            let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw
                                + (r0 + 2 * j0) * iw + s0 + 2 * i0
                            let width = 2 * min(mm, columnsUsed - i0)
                            for u in 0..<min(mm, rowsUsed - j0) {
                                WinogradLanes8.copy(rowFloats + u * 16 * mm + lane * 2 * mm, count: width,
                                                    full: 2 * mm, into: plane + 2 * u * iw)
                            }
                        }
                    }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: mm * mm) { buffer in
            let outputs = buffer.baseAddress!
            let lanes = UnsafeMutableRawPointer(outputs).assumingMemoryBound(to: Float.self)
            for c in 0..<g.inChannels {
                for bw in 0..<2 {
                    let columnsUsed = t.columns.count(bw)
                    let s0 = 2 * t.columns.first(bw) + bw - g.padWidth
                    let products = m + bw * parityProducts + c * tiles
                    for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: 8) {
                        outputTiles(products + first, stride: stride, into: outputs)
                        var cursor = TileCursor(first, perImage: perImage, columns: tw)
                        for lane in 0..<min(8, range.upperBound - first) {
                            let n = cursor.image, j0 = mm * cursor.row, i0 = mm * cursor.column
                            cursor.advance()
                            let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw
                                + (r0 + 2 * j0) * iw + s0 + 2 * i0
                            if j0 + mm <= rowsUsed && i0 + mm <= columnsUsed {
                                for u in 0..<mm {
                                    for v in 0..<mm { plane[2 * (u * iw + v)] = lanes[(u * mm + v) * 8 + lane] }
                                }
                            } else {
                                for u in 0..<mm where j0 + u < rowsUsed {
                                    for v in 0..<mm where i0 + v < columnsUsed {
                                        plane[2 * (u * iw + v)] = lanes[(u * mm + v) * 8 + lane]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The image, tile row and tile column of consecutive tiles, advanced without divisions.
struct TileCursor {
    let perImage: Int, columns: Int
    var image: Int, row: Int, column: Int

    init(_ tile: Int, perImage: Int, columns: Int) {
        self.perImage = perImage
        self.columns = columns
        image = tile / perImage
        let rest = tile % perImage
        row = rest / columns
        column = rest % columns
    }

    @inline(__always)
    mutating func advance() {
        column += 1
        guard column == columns else { return }
        column = 0
        row += 1
        guard row * columns == perImage else { return }
        row = 0
        image += 1
    }
}
