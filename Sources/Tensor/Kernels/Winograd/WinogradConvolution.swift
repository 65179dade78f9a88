import Foundation

/// Convolution kernels for 4×4, stride-2 layers (a DCGAN's middle layers, both directions) by
/// Winograd F(2×2, 2×2): 9 matrix products per 2×2 output tile where unfolding needs 16, so
/// 44% fewer multiply-adds (fewer on planes of odd size, whose last tiles are half outside).
///
/// Each thread takes chunks of images; a chunk is staged channels-last, transformed into the
/// nine product operands, multiplied and transformed back while its operands are in cache.
/// As with `ConvolutionKernels`, every output value is computed by one thread in an order
/// fixed by the geometry and the thread count.
enum WinogradConvolution {
    /// y = conv(x, w), with `rectifierSlope` leakyReLU(conv(x, w)).
    static func forward(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, rectifierSlope: Float?
    ) {
        let kernel = ForwardKernel(g, weight: weight)
        let t = WinogradTiling(g)
        let chunking = Chunking(g, tilesPerImage: t.tilesPerImage, depth: 4 * g.inChannels, rows: g.outChannels)
        chunking.run { images, scratch, wide in
            let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide)
            kernel.apply(t, v, images: images, y: y, scratch: scratch, wide: wide)
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

    /// dw = conv_weight_grad(x, dy); with `alsoForward`, also y = conv(x, w) from the same
    /// transformed input. The batch is cut into fixed groups by index; each group sums its
    /// chunks in order and the groups' results are added in group order.
    static func weightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>,
        alsoForward: (weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>)?
    ) {
        let t = WinogradTiling(g)
        let depth = 4 * g.inChannels
        let kernel = alsoForward.map { ForwardKernel(g, weight: $0.weight) }
        let chunking = Chunking(g, tilesPerImage: t.tilesPerImage, depth: depth, rows: g.outChannels)
        let chunks = chunking.chunks
        // Chunks over the threads: one group per thread (each group's 9 products are 2.25
        // times dw's size; more partials cost more than the balance they bought). Wide: one
        // group, its products split over the threads.
        let groups = chunking.wide ? 1 : min(chunks, Engine.threads)
        let size = g.outChannels * g.patchSize
        let partials = groups > 1 ? Tensor(uninitialized: [groups - 1, size]) : nil
        let productPlane = WinogradTransforms.planeStride(g.outChannels * depth)
        Engine.parallelFor(groups, pieces: groups) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            for group in range {
                let products = scratch.floats(4, count: 9 * productPlane)
                let lo = chunks * group / groups, hi = chunks * (group + 1) / groups
                for chunk in lo..<hi {
                    let images = chunking.images(chunk), wide = chunking.wide
                    let tiles = images.count * t.tilesPerImage
                    let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide)
                    let uPlane = WinogradTransforms.planeStride(g.outChannels * tiles)
                    let vPlane = WinogradTransforms.planeStride(tiles * depth)
                    let u = scratch.floats(2, count: 9 * uPlane)
                    Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { r in
                        gradientTiles(t, dy: dy, images: images, part: r, into: u)
                    }
                    for p in 0..<9 {
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

    /// dx = conv_input_grad(dy, w) (a transposed convolution's forward pass): each parity
    /// (bh, bw) of the padded input is a 2×2, stride-1 correlation of dy with the flipped taps
    /// w[bh + 2(1 − a)][bw + 2(1 − a′)], computed as its own nine products.
    static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        let t = WinogradTiling(g)
        let cin = g.inChannels, cout = g.outChannels
        // U[phase][p] [cin, cout]
        let uPlane = WinogradTransforms.planeStride(cin * cout)
        let u = Tensor(uninitialized: [36 * uPlane])
        Engine.parallelFor(cin, grain: 8) { range in
            for c in range {
                for o in 0..<cout {
                    let taps = weight + (o * cin + c) * 16
                    for phase in 0..<4 {
                        let bh = phase >> 1, bw = phase & 1
                        @inline(__always) func f(_ a: Int, _ b: Int) -> Float {
                            taps[(bh + 2 * (1 - a)) * 4 + bw + 2 * (1 - b)]
                        }
                        WinogradTransforms.kernelTile(
                            f(0, 0), f(0, 1), f(1, 0), f(1, 1),
                            into: u.data + phase * 9 * uPlane + c * cout + o, planeStride: uPlane)
                    }
                }
            }
        }
        let lefts = (0..<36).map { GEMMLeftOperand(u.data + $0 * uPlane, transposeA: false, m: cin, k: cout) }
        let tilesPerImage = t.gradientTilesPerImage
        let chunking = Chunking(g, tilesPerImage: 4 * tilesPerImage, depth: cout, rows: cin)
        let stagedRows = t.rows.staged, stagedColumns = t.columns.staged
        let stagedImage = stagedRows * stagedColumns * cout
        chunking.run { images, scratch, wide in
            let count = images.count, tiles = count * tilesPerImage
            let staged = scratch.floats(0, count: count * stagedImage)
            let vPlane = WinogradTransforms.planeStride(tiles * cout)
            let mPlane = WinogradTransforms.planeStride(cin * tiles)
            let v = scratch.floats(1, count: 9 * vPlane)
            let m = scratch.floats(2, count: 2 * 9 * mPlane)
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
                    Engine.parallelFor(count, pieces: pieces) { r in
                        for n in r {
                            for ty in 0..<t.rows.tiles {
                                for tx in 0..<t.columns.tiles {
                                    let tile = (n * t.rows.tiles + ty) * t.columns.tiles + tx
                                    let window = staged + n * stagedImage
                                        + ((r0 + 2 * ty) * stagedColumns + s0 + 2 * tx) * cout
                                    WinogradTransforms.inputTile(
                                        window, rowStep: rowFloats, columnStep: cout, channels: cout,
                                        into: v + tile * cout, planeStride: vPlane)
                                }
                            }
                        }
                    }
                    let products = m + bw * 9 * mPlane
                    for p in 0..<9 {
                        GEMM.multiply(lefts[phase * 9 + p], v + p * vPlane, transposeB: true,
                                      into: products + p * mPlane, n: tiles, threaded: wide)
                    }
                }
                Engine.parallelFor(count, pieces: pieces) { r in
                    scatterInputGradient(t, m, rowParity: bh, images: images, part: r, dx: dx)
                }
            }
        }
        withExtendedLifetime((u, lefts)) {}
    }

    // MARK: - Pieces

    /// The forward kernel's nine transformed weight matrices U[p] [out, 4·in], with depth
    /// index (phase, channel), each packed once for all chunks.
    final class ForwardKernel {
        let storage: Tensor
        let lefts: [GEMMLeftOperand]

        init(_ g: ConvGeometry, weight: UnsafePointer<Float>) {
            let cin = g.inChannels, cout = g.outChannels, depth = 4 * cin
            let plane = WinogradTransforms.planeStride(cout * depth)
            let u = Tensor(uninitialized: [9 * plane])
            Engine.parallelFor(cout, grain: 8) { range in
                for o in range {
                    for c in 0..<cin {
                        let taps = weight + (o * cin + c) * 16
                        for phase in 0..<4 {
                            let bh = phase >> 1, bw = phase & 1
                            @inline(__always) func f(_ a: Int, _ b: Int) -> Float {
                                taps[(bh + 2 * a) * 4 + bw + 2 * b]
                            }
                            WinogradTransforms.kernelTile(
                                f(0, 0), f(0, 1), f(1, 0), f(1, 1),
                                into: u.data + o * depth + phase * cin + c, planeStride: plane)
                        }
                    }
                }
            }
            storage = u
            lefts = (0..<9).map {
                GEMMLeftOperand(u.data + $0 * plane, transposeA: false, m: cout, k: depth)
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
            let m = scratch.floats(3, count: 9 * mPlane)
            for p in 0..<9 {
                GEMM.multiply(lefts[p], v + p * vPlane, transposeB: true,
                              into: m + p * mPlane, n: tiles, threaded: wide)
            }
            Engine.parallelFor(images.count, pieces: wide ? images.count : 1) { r in
                WinogradConvolution.scatterOutput(t, m, images: images, part: r, y: y)
            }
        }
    }

    /// How a layer's batch is cut into chunks of images. A chunk's transformed operands stay
    /// within ~512 KiB where that leaves at least as many tiles as the products have rows: the
    /// transformed weights (9 × rows × depth) are read once per chunk, and on a deep layer with
    /// few tiles per image (128 → 256 channels on 4 × 4 outputs) small chunks re-read 4.7 MB of
    /// them for 50 columns each. When that leaves fewer than two chunks per thread, the chunks
    /// run one after another, each one's transforms and products split over the threads (wide).
    struct Chunking {
        let batch: Int, perChunk: Int, chunks: Int, wide: Bool

        init(_ g: ConvGeometry, tilesPerImage: Int, depth: Int, rows: Int) {
            let perImage = max(1, 9 * tilesPerImage * depth)
            let forCache = max(1, (1 << 17) / perImage)
            let forTiles = (max(128, rows) + tilesPerImage - 1) / tilesPerImage
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

    /// The chunk's input staged channels-last and transformed: V[p] [tiles, 4·in] with depth
    /// index (phase, channel), in scratch slot 1. Wide: images over the threads, each staging
    /// into its own scratch.
    static func forwardOperand(
        _ t: WinogradTiling, x: UnsafePointer<Float>, images: Range<Int>,
        scratch: ConvolutionScratch, wide: Bool
    ) -> UnsafeMutablePointer<Float> {
        let g = t.g, cin = g.inChannels, depth = 4 * cin
        let rows = 4 * t.tileRows + 2, columns = 4 * t.tileColumns + 2
        let tiles = images.count * t.tilesPerImage
        let vPlane = WinogradTransforms.planeStride(tiles * depth)
        let v = scratch.floats(1, count: 9 * vPlane)
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
                            let window = image + ((4 * ty + bh) * columns + 4 * tx + bw) * cin
                            WinogradTransforms.inputTile(
                                window, rowStep: 2 * rowFloats, columnStep: 2 * cin, channels: cin,
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

    /// G dy Gᵀ of every 2×2 tile of dy for the chunk: Ũ[p] [out, tiles] (zero past the plane).
    static func gradientTiles(
        _ t: WinogradTiling, dy: UnsafePointer<Float>, images: Range<Int>, part: Range<Int>,
        into u: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, tiles = images.count * t.tilesPerImage
        let oh = g.outHeight, ow = g.outWidth, stride = WinogradTransforms.planeStride(g.outChannels * tiles)
        let whole = ow / 2
        let tw = t.tileColumns, perImage = t.tilesPerImage
        if oh % 2 == 0, ow % 2 == 0, WinogradVectorTiles.groups(columns: tw, perImage: perImage) {
            // Eight tiles at a time; their 2×2 values gathered row by row into pairs.
            typealias Lanes = WinogradVectorTiles.Lanes
            let run = 2 * min(tw, 8)
            var top = SIMD16<Float>(), bottom = SIMD16<Float>()
            for n in part {
                for o in 0..<g.outChannels {
                    let plane = dy + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane
                    let out = u + o * tiles + n * perImage
                    for first in Swift.stride(from: 0, to: perImage, by: 8) {
                        let start = plane + 2 * (first / tw) * ow + 2 * (first % tw)
                        if run == 16 {
                            top = UnsafeRawPointer(start).loadUnaligned(as: SIMD16<Float>.self)
                            bottom = UnsafeRawPointer(start + ow).loadUnaligned(as: SIMD16<Float>.self)
                        } else {
                            withUnsafeMutableBytes(of: &top) { t in
                                let dst = t.bindMemory(to: Float.self).baseAddress!
                                for k in 0..<(16 / run) { dst.advanced(by: k * run).update(from: start + 2 * k * ow, count: run) }
                            }
                            withUnsafeMutableBytes(of: &bottom) { b in
                                let dst = b.bindMemory(to: Float.self).baseAddress!
                                for k in 0..<(16 / run) { dst.advanced(by: k * run).update(from: start + ow + 2 * k * ow, count: run) }
                            }
                        }
                        WinogradVectorTiles.kernelTiles(
                            top.evenHalf, top.oddHalf, bottom.evenHalf, bottom.oddHalf,
                            into: out + first, planeStride: stride)
                    }
                }
            }
            return
        }
        for n in part {
            for o in 0..<g.outChannels {
                let plane = dy + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane
                for ty in 0..<t.tileRows {
                    let top = plane + 2 * ty * ow
                    let out = u + o * tiles + (n * t.tileRows + ty) * t.tileColumns
                    if 2 * ty + 1 < oh {
                        // Whole tiles: a loop the compiler vectorises over tx.
                        let bottom = top + ow
                        for tx in 0..<whole {
                            WinogradTransforms.kernelTile(
                                top[2 * tx], top[2 * tx + 1], bottom[2 * tx], bottom[2 * tx + 1],
                                into: out + tx, planeStride: stride)
                        }
                    }
                    let from = 2 * ty + 1 < oh ? whole : 0
                    for tx in from..<t.tileColumns {
                        let c0 = 2 * tx, hasRight = c0 + 1 < ow, hasBottom = 2 * ty + 1 < oh
                        WinogradTransforms.kernelTile(
                            top[c0], hasRight ? top[c0 + 1] : 0, hasBottom ? top[ow + c0] : 0,
                            hasBottom && hasRight ? top[ow + c0 + 1] : 0,
                            into: out + tx, planeStride: stride)
                    }
                }
            }
        }
    }

    /// dw [out, in, 4, 4] from the summed products M[p] [out, (phase, in)]: Aᵀ M A per tap set.
    static func weightsFromProducts(
        _ g: ConvGeometry, _ m: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>
    ) {
        let cin = g.inChannels, depth = 4 * cin, plane = WinogradTransforms.planeStride(g.outChannels * depth)
        for o in 0..<g.outChannels {
            for c in 0..<cin {
                let taps = dw + (o * cin + c) * 16
                for phase in 0..<4 {
                    let bh = phase >> 1, bw = phase & 1
                    let (y00, y01, y10, y11) = WinogradTransforms.outputTile(
                        m + o * depth + phase * cin + c, planeStride: plane)
                    taps[bh * 4 + bw] = y00
                    taps[bh * 4 + bw + 2] = y01
                    taps[(bh + 2) * 4 + bw] = y10
                    taps[(bh + 2) * 4 + bw + 2] = y11
                }
            }
        }
    }

    /// y of the chunk from the products M[p] [out, tiles]: Aᵀ M A per tile, dropping the half
    /// of a last tile that lies outside an odd-sized plane.
    static func scatterOutput(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, images: Range<Int>, part: Range<Int>,
        y: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, tiles = images.count * t.tilesPerImage
        let oh = g.outHeight, ow = g.outWidth, stride = WinogradTransforms.planeStride(g.outChannels * tiles)
        let whole = ow / 2
        let tw = t.tileColumns, perImage = t.tilesPerImage
        if oh % 2 == 0, ow % 2 == 0, WinogradVectorTiles.groups(columns: tw, perImage: perImage) {
            // Eight tiles at a time: 2 output rows of 16 floats, or several shorter rows.
            let run = 2 * min(tw, 8)
            for n in part {
                for o in 0..<g.outChannels {
                    let plane = y + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane
                    let products = m + o * tiles + n * perImage
                    for first in Swift.stride(from: 0, to: perImage, by: 8) {
                        let (y00, y01, y10, y11) = WinogradVectorTiles.outputTiles(products + first, planeStride: stride)
                        let top = plane + 2 * (first / tw) * ow + 2 * (first % tw)
                        WinogradVectorTiles.store(WinogradVectorTiles.interleave(y00, y01), runs: run,
                                                  rowStep: 2 * ow, into: top)
                        WinogradVectorTiles.store(WinogradVectorTiles.interleave(y10, y11), runs: run,
                                                  rowStep: 2 * ow, into: top + ow)
                    }
                }
            }
            return
        }
        for n in part {
            for o in 0..<g.outChannels {
                let plane = y + ((images.lowerBound + n) * g.outChannels + o) * g.outPlane
                for ty in 0..<t.tileRows {
                    let top = plane + 2 * ty * ow
                    let row = m + o * tiles + (n * t.tileRows + ty) * t.tileColumns
                    let hasBottom = 2 * ty + 1 < oh
                    if hasBottom {
                        let bottom = top + ow
                        for tx in 0..<whole {
                            let (y00, y01, y10, y11) = WinogradTransforms.outputTile(row + tx, planeStride: stride)
                            top[2 * tx] = y00
                            top[2 * tx + 1] = y01
                            bottom[2 * tx] = y10
                            bottom[2 * tx + 1] = y11
                        }
                    }
                    for tx in (hasBottom ? whole : 0)..<t.tileColumns {
                        let (y00, y01, y10, y11) = WinogradTransforms.outputTile(row + tx, planeStride: stride)
                        let c0 = 2 * tx, hasRight = c0 + 1 < ow
                        top[c0] = y00
                        if hasRight { top[c0 + 1] = y01 }
                        if hasBottom {
                            top[ow + c0] = y10
                            if hasRight { top[ow + c0 + 1] = y11 }
                        }
                    }
                }
            }
        }
    }

    /// The dx rows of row parity bh from the products of its two column parities, m[bw][p]
    /// [in, tiles]: together those fill each row, 4 columns per tile pair.
    static func scatterInputGradient(
        _ t: WinogradTiling, _ m: UnsafePointer<Float>, rowParity bh: Int, images: Range<Int>,
        part: Range<Int>, dx: UnsafeMutablePointer<Float>
    ) {
        let g = t.g, tiles = images.count * t.gradientTilesPerImage
        let rowsUsed = t.rows.count(bh)
        let r0 = 2 * t.rows.first(bh) + bh - g.padHeight
        let iw = g.inWidth, stride = WinogradTransforms.planeStride(g.inChannels * tiles)
        let parityProducts = 9 * stride
        let tw = t.columns.tiles, perImage = t.gradientTilesPerImage
        let evenColumns = t.columns.count(0) == 2 * tw && t.columns.count(1) == 2 * tw
        if rowsUsed == 2 * t.rows.tiles, evenColumns, WinogradVectorTiles.groups(columns: tw, perImage: perImage) {
            // Eight tiles of both column parities at a time: the parity whose first column is
            // even supplies columns 4tx and 4tx + 2, the other 4tx + 1 and 4tx + 3.
            let evenParity = (2 * t.columns.first(0) - g.padWidth) == 0 ? 0 : 1
            let run = 4 * min(tw, 8)
            for n in part {
                for c in 0..<g.inChannels {
                    let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw + r0 * iw
                    let even = m + evenParity * parityProducts + c * tiles + n * perImage
                    let odd = m + (1 - evenParity) * parityProducts + c * tiles + n * perImage
                    for first in Swift.stride(from: 0, to: perImage, by: 8) {
                        let (e00, e01, e10, e11) = WinogradVectorTiles.outputTiles(even + first, planeStride: stride)
                        let (o00, o01, o10, o11) = WinogradVectorTiles.outputTiles(odd + first, planeStride: stride)
                        let top = plane + 4 * (first / tw) * iw + 4 * (first % tw)
                        WinogradVectorTiles.store(WinogradVectorTiles.interleave(e00, o00, e01, o01),
                                                  runs: run, rowStep: 4 * iw, into: top)
                        WinogradVectorTiles.store(WinogradVectorTiles.interleave(e10, o10, e11, o11),
                                                  runs: run, rowStep: 4 * iw, into: top + 2 * iw)
                    }
                }
            }
            return
        }
        for n in part {
            for c in 0..<g.inChannels {
                let plane = dx + ((images.lowerBound + n) * g.inChannels + c) * g.inHeight * iw
                for ty in 0..<t.rows.tiles where 2 * ty < rowsUsed {
                    let hasBottom = 2 * ty + 1 < rowsUsed
                    let row = m + c * tiles + (n * t.rows.tiles + ty) * t.columns.tiles
                    for bw in 0..<2 {
                        let columnsUsed = t.columns.count(bw)
                        let s0 = 2 * t.columns.first(bw) + bw - g.padWidth
                        let top = plane + (r0 + 4 * ty) * iw + s0, bottom = top + 2 * iw
                        let products = row + bw * parityProducts
                        let whole = columnsUsed / 2
                        if hasBottom {
                            for tx in 0..<whole {
                                let (y00, y01, y10, y11) = WinogradTransforms.outputTile(
                                    products + tx, planeStride: stride)
                                top[4 * tx] = y00
                                top[4 * tx + 2] = y01
                                bottom[4 * tx] = y10
                                bottom[4 * tx + 2] = y11
                            }
                        }
                        for tx in (hasBottom ? whole : 0)..<t.columns.tiles where 2 * tx < columnsUsed {
                            let (y00, y01, y10, y11) = WinogradTransforms.outputTile(
                                products + tx, planeStride: stride)
                            let hasRight = 2 * tx + 1 < columnsUsed
                            top[4 * tx] = y00
                            if hasRight { top[4 * tx + 2] = y01 }
                            if hasBottom {
                                bottom[4 * tx] = y10
                                if hasRight { bottom[4 * tx + 2] = y11 }
                            }
                        }
                    }
                }
            }
        }
    }
}
