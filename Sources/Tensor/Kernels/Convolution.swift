import Foundation

/// Convolution kernels by im2col + GEMM, a few images at a time.
///
/// Each thread takes a contiguous share of the batch and walks it in chunks small enough that
/// a chunk's unfolded input (`cols`, [inChannels·kH·kW, images·outH·outW]) stays in the core's
/// L2 cache between the unfold, the GEMM and the fold. Unfolding the whole batch at once made
/// `cols` 32 MiB for a 32→64-channel layer at 32×32: it went to memory and back three times
/// per product, and im2col, col2im and the layout permutations took a third of a training step.
/// For one image, a GEMM result [outChannels, outH·outW] is already that image's NCHW slice.
///
/// Every output element is computed by one thread in an order that depends only on the
/// geometry and the thread count, so results are reproducible per thread count; forward and
/// input gradient do not depend on the thread count at all.
public enum ConvolutionKernels {
    /// How 4×4, stride-2 layers are computed.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// Winograd products, F(4, 2) or F(2, 2) (`WinogradConvolution`), where they apply,
        /// in float32.
        case winograd
        /// im2col + GEMM for every layer (the engine before Winograd; for comparison).
        case unfold
    }

    /// `DCGANLAB_CONVOLUTION=unfold` selects unfolding everywhere.
    nonisolated(unsafe) public static var algorithm: Algorithm =
        ProcessInfo.processInfo.environment["DCGANLAB_CONVOLUTION"].flatMap(Algorithm.init) ?? .winograd

    /// In float32 Winograd's transforms add a few roundings to each product; under bfloat16
    /// the transformed operands (differences of inputs, F(4, 2)'s up to 8 times larger) would
    /// be rounded to 8 significant bits where unfolded ones are copies, and the bfloat16
    /// study's FID was measured with unfolding, so that mode keeps it.
    static func usesWinograd(_ g: ConvGeometry) -> Bool {
        algorithm == .winograd && GEMM.precision == .float32 && GEMM.backend == .packed
            && g.batch > 0 && WinogradTiling.applies(to: g)
    }

    /// y = conv(x, w), or with `rectifierSlope` y = leakyReLU(conv(x, w)): the rectifier is
    /// applied to each chunk's output while it is still in cache (the same values as a
    /// separate pass over y).
    public static func forward(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, rectifierSlope: Float? = nil
    ) {
        if g.isDense {
            if g.outChannels == 1 {
                // One output channel: y [1, batch] = w · xᵀ is the same memory as y [batch, 1],
                // and a row of C wastes less of the register tile than a column would.
                GEMM.multiply(weight, transposeA: false, x, transposeB: true, into: y,
                              m: 1, n: g.batch, k: g.patchSize)
            } else {
                // y [batch, out] = x [batch, patch] · wᵀ
                GEMM.multiply(x, transposeA: false, weight, transposeB: true, into: y,
                              m: g.batch, n: g.outChannels, k: g.patchSize)
            }
            if let slope = rectifierSlope {
                Engine.parallelFor(g.batch * g.outChannels, grain: Pointwise.grain) { r in
                    Pointwise.rectify(y + r.lowerBound, count: r.count, slope: slope)
                }
            }
            return
        }
        if usesWinograd(g) {
            return WinogradConvolution.forward(g, x: x, weight: weight, y: y, rectifierSlope: rectifierSlope)
        }
        let w = GEMMLeftOperand(weight, transposeA: false, m: g.outChannels, k: g.patchSize)
        forEachChunk(g) { images, c, scratch in
            let width = c.columns
            let cols = scratch.floats(0, count: c.patchSize * width)
            let yChunk = y + images.lowerBound * g.outChannels * g.outPlane
            im2col(c, x: x + images.lowerBound * g.inChannels * g.inHeight * g.inWidth, cols: cols)
            multiplyChunk(w, cols: cols, c, into: yChunk, scratch: scratch)
            if let slope = rectifierSlope {
                Pointwise.rectify(yChunk, count: c.batch * g.outChannels * g.outPlane, slope: slope)
            }
        }
    }

    /// The chunk's y (NCHW) = w · cols: for one image the product is its slice as it lies,
    /// for several it is permuted from scratch.
    private static func multiplyChunk(
        _ w: GEMMLeftOperand, cols: UnsafePointer<Float>, _ c: ConvGeometry,
        into yChunk: UnsafeMutablePointer<Float>, scratch: ConvolutionScratch
    ) {
        if c.batch == 1 {
            return GEMM.multiply(w, cols, transposeB: false, into: yChunk, n: c.columns, threaded: false)
        }
        let product = scratch.floats(1, count: c.outChannels * c.columns)
        GEMM.multiply(w, cols, transposeB: false, into: product, n: c.columns, threaded: false)
        channelMajorToBatchMajor(product, yChunk, batch: c.batch, channels: c.outChannels,
                                 plane: c.outPlane)
    }

    /// dx = conv_input_grad(dy, w): also a transposed convolution's forward pass.
    public static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        if g.isDense {
            // dx [batch, patch] = dy [batch, out] · w
            return GEMM.multiply(dy, transposeA: false, weight, transposeB: false, into: dx,
                                 m: g.batch, n: g.patchSize, k: g.outChannels)
        }
        if usesWinograd(g) {
            return WinogradConvolution.inputGradient(g, dy: dy, weight: weight, dx: dx)
        }
        let wT = GEMMLeftOperand(weight, transposeA: true, m: g.patchSize, k: g.outChannels)
        forEachChunk(g) { images, c, scratch in
            let width = c.columns
            let dyChunk = channelMajor(dy, images: images, g, scratch: scratch)
            let cols = scratch.floats(0, count: c.patchSize * width)
            GEMM.multiply(wT, dyChunk, transposeB: false, into: cols, n: width, threaded: false)
            col2im(c, cols: cols, x: dx + images.lowerBound * g.inChannels * g.inHeight * g.inWidth)
        }
    }

    /// dw = conv_weight_grad(x, dy) = Σ over images of dy·colsᵀ.
    ///
    /// The batch is cut into a fixed number of groups (by index only); each group's chunks
    /// are summed in order into the group's partial, and the partials are added in group
    /// order, so the result does not depend on which thread took which group.
    public static func weightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>
    ) {
        if g.isDense {
            // dw [out, patch] = dyᵀ · x
            return GEMM.multiply(dy, transposeA: true, x, transposeB: false, into: dw,
                                 m: g.outChannels, n: g.patchSize, k: g.batch)
        }
        if usesWinograd(g) {
            return WinogradConvolution.weightGradient(g, x: x, dy: dy, dw: dw, alsoForward: nil)
        }
        weightGradientPass(g, x: x, dy: dy, dw: dw, alsoForward: nil)
    }

    /// y = conv(x, w) and dw = conv_weight_grad(x, dy) together. A transposed convolution's
    /// backward needs both for the same x; unfolding each chunk once for both products saves
    /// one of the two unfoldings. The values are those of `forward` and `weightGradient`.
    public static func forwardAndWeightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dy: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>
    ) {
        if g.isDense {
            forward(g, x: x, weight: weight, y: y)
            return weightGradient(g, x: x, dy: dy, dw: dw)
        }
        if usesWinograd(g) {
            return WinogradConvolution.weightGradient(g, x: x, dy: dy, dw: dw, alsoForward: (weight, y))
        }
        let w = GEMMLeftOperand(weight, transposeA: false, m: g.outChannels, k: g.patchSize)
        weightGradientPass(g, x: x, dy: dy, dw: dw, alsoForward: (w, y))
    }

    /// The weight gradient's walk over the batch; with `alsoForward`, each unfolded chunk is
    /// also multiplied by the weights into y.
    private static func weightGradientPass(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>,
        alsoForward: (weight: GEMMLeftOperand, y: UnsafeMutablePointer<Float>)?
    ) {
        let size = g.outChannels * g.patchSize
        let groups = weightGradientGroups(g)
        let partials = groups > 1 ? Tensor(uninitialized: [groups - 1, size]) : nil
        let perChunk = chunkImages(g)
        // A dw of at most 32 × 32 (a first or last layer on one image channel) is summed as dot
        // products of rows: packing its operands cost several times its multiply-adds.
        let usesDotProducts = GEMM.backend == .packed && size <= 1024
        Engine.parallelFor(groups) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            // With fewer patch rows than output channels (and a dw too large for dot products,
            // e.g. one input channel, 4×4 taps and 80 channels) dw = dy·colsᵀ would fill only
            // part of the 32-column register tile; dwᵀ = cols·dyᵀ fills it, and the columns are
            // unfolded straight into its packed left operand (measured 23 → 34 GFLOP/s on a
            // 1→32 layer before dot products took those over). On the wide layers that form was
            // slower (70–100 → 60–80), so they keep dy·colsᵀ.
            let transposed = alsoForward == nil && GEMM.backend == .packed && g.patchSize < g.outChannels
                && !usesDotProducts ? scratch.floats(3, count: size) : nil
            for group in range {
                let target = group == 0 ? dw : partials!.data + (group - 1) * size
                let lo = g.batch * group / groups, hi = g.batch * (group + 1) / groups
                for first in stride(from: lo, to: hi, by: perChunk) {
                    var c = g
                    c.batch = min(perChunk, hi - first)
                    let images = first..<(first + c.batch)
                    let dyChunk = channelMajor(dy, images: images, g, scratch: scratch)
                    let xChunk = x + first * g.inChannels * g.inHeight * g.inWidth
                    let beta: Float = first == lo ? 0 : 1
                    if let transposed {
                        // dwᵀ [patch, out] += cols · dyᵀ, summed into the group's own buffer.
                        let packed = scratch.floats(0, count: PackedGEMM.packedLeftCount(m: g.patchSize, k: c.columns))
                        im2colPackedLeft(c, x: xChunk, into: packed)
                        PackedGEMM.multiply(
                            packed, transposeA: false, dyChunk, transposeB: true,
                            into: transposed, m: g.patchSize, n: g.outChannels,
                            k: c.columns, alpha: 1, beta: beta, threaded: false, packedA: packed)
                        continue
                    }
                    let cols = scratch.floats(0, count: c.patchSize * c.columns)
                    im2col(c, x: xChunk, cols: cols)
                    if usesDotProducts {
                        DotProductGEMM.multiplyTransposed(dyChunk, cols, into: target, m: g.outChannels,
                                                          n: g.patchSize, k: c.columns, accumulate: beta != 0)
                    } else {
                        GEMM.multiply(dyChunk, transposeA: false, cols, transposeB: true, into: target,
                                      m: g.outChannels, n: g.patchSize, k: c.columns,
                                      beta: beta, threaded: false)
                    }
                    if let (w, y) = alsoForward {
                        multiplyChunk(w, cols: cols, c, into: y + first * g.outChannels * g.outPlane,
                                      scratch: scratch)
                    }
                }
                if let transposed {
                    for o in 0..<g.outChannels {
                        for r in 0..<g.patchSize { target[o * g.patchSize + r] = transposed[r * g.outChannels + o] }
                    }
                }
            }
        }
        guard let partials else { return }
        addPartials(partials, groups: groups, size: size, into: dw)
    }

    /// dw += the weight-gradient groups' partials (groups 1 ..< groups, group 0 summed into dw
    /// itself), in group order, so the sum does not depend on which thread took which group.
    static func addPartials(_ partials: Tensor, groups: Int, size: Int, into dw: UnsafeMutablePointer<Float>) {
        Engine.parallelFor(size, grain: Pointwise.grain) { range in
            for group in 0..<(groups - 1) {
                let src = partials.data + group * size
                for i in range { dw[i] += src[i] }
            }
        }
    }

    // MARK: - Chunks

    /// Groups of the weight gradient: several per thread so a slowed core does not hold up the
    /// other (waiting for the last group took 4% of a 64×64 step with two per thread), few
    /// enough that adding the partials stays cheap beside the products. Each group adds one
    /// partial of dw's size, so the count follows the product's depth (the batch's output
    /// positions) per element of dw: one group per 512 positions, 2 to 8 per thread.
    static func weightGradientGroups(_ g: ConvGeometry) -> Int {
        guard Engine.threads > 1 else { return 1 }
        let wanted = min(8 * Engine.threads, max(2 * Engine.threads, g.columns / 512))
        return max(1, min(g.batch / chunkImages(g), wanted))
    }

    /// Images per chunk: enough output positions for whole GEMM tiles (≥ 256 columns), few
    /// enough that the unfolded chunk stays within ~1 MiB; then, where the chunk's columns
    /// leave much of the last 32-column register tile empty, more images (up to ~1.5 MiB) if
    /// that fills the tiles better. A 7×7 output plane on 2 images is 98 columns in four tiles
    /// of 32 (77% used); 3 images are 147 in five (92%).
    static func chunkImages(_ g: ConvGeometry) -> Int {
        let perImage = max(g.patchSize * g.outPlane, 1)
        let forTiles = (256 + g.outPlane - 1) / max(g.outPlane, 1)
        let forCache = max(1, (1 << 18) / perImage)
        let base = max(1, min(g.batch, forTiles, forCache))
        let limit = min(g.batch, max(base, (3 << 17) / perImage))
        func tilesFilled(_ images: Int) -> Double {
            let columns = images * g.outPlane, nr = GEMMMicroKernel.nr
            return Double(columns) / Double((columns + nr - 1) / nr * nr)
        }
        var best = base
        for images in base...limit where tilesFilled(images) > tilesFilled(best) + 0.02 {
            best = images
        }
        return best
    }

    /// Calls `body(images, geometry of those images, scratch)` for every chunk of the batch;
    /// threads take chunks in turn.
    private static func forEachChunk(
        _ g: ConvGeometry, _ body: (Range<Int>, ConvGeometry, ConvolutionScratch) -> Void
    ) {
        let perChunk = chunkImages(g)
        let chunks = (g.batch + perChunk - 1) / perChunk
        // A piece per chunk, unless chunks are so small (a first layer on one input channel)
        // that claiming them would cost more than ~1% of their work.
        let chunkMultiplyAdds = g.multiplyAdds / chunks
        let pieces = chunkMultiplyAdds >= 1 << 20 ? chunks : Engine.threads * Engine.piecesPerThread
        Engine.parallelFor(chunks, pieces: pieces) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            for chunk in range {
                var c = g
                let first = chunk * perChunk
                c.batch = min(perChunk, g.batch - first)
                body(first..<(first + c.batch), c, scratch)
            }
        }
    }

    /// dy of `images` as [outChannels, images·outPlane]: for one image that is its NCHW slice
    /// as it is, for several a permuted copy in scratch.
    private static func channelMajor(
        _ dy: UnsafePointer<Float>, images: Range<Int>, _ g: ConvGeometry,
        scratch: ConvolutionScratch
    ) -> UnsafePointer<Float> {
        let slice = dy + images.lowerBound * g.outChannels * g.outPlane
        guard images.count > 1 else { return slice }
        let copy = scratch.floats(2, count: g.outChannels * images.count * g.outPlane)
        batchMajorToChannelMajor(slice, copy, batch: images.count, channels: g.outChannels,
                                 plane: g.outPlane)
        return UnsafePointer(copy)
    }

    // MARK: - Serial kernels on one chunk

    /// [channels, batch, plane] -> [batch, channels, plane].
    static func channelMajorToBatchMajor(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int
    ) {
        for c in 0..<channels {
            for n in 0..<batch {
                copyRun(src + (c * batch + n) * plane, dst + (n * channels + c) * plane, count: plane)
            }
        }
    }

    /// [batch, channels, plane] -> [channels, batch, plane].
    static func batchMajorToChannelMajor(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int
    ) {
        for c in 0..<channels {
            for n in 0..<batch {
                copyRun(src + (n * channels + c) * plane, dst + (c * batch + n) * plane, count: plane)
            }
        }
    }
}

/// One thread's buffers for convolution chunks, kept between calls so a training step does not
/// allocate or page-fault them afresh.
final class ConvolutionScratch: @unchecked Sendable {
    private var buffers: [(pointer: UnsafeMutablePointer<Float>?, count: Int)] = []

    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [ConvolutionScratch] = []

    static func take() -> ConvolutionScratch {
        lock.withLock { idle.popLast() } ?? ConvolutionScratch()
    }

    static func give(_ scratch: ConvolutionScratch) {
        lock.withLock { idle.append(scratch) }
    }

    /// Buffer `slot` with room for at least `count` floats (contents undefined).
    func floats(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        while buffers.count <= slot { buffers.append((nil, 0)) }
        if let pointer = buffers[slot].pointer, buffers[slot].count >= count { return pointer }
        do {
            free(buffers[slot].pointer)
            guard let raw = AlignedMemory.allocate(bytes: count * MemoryLayout<Float>.stride) else {
                fatalError("convolution: out of memory for a \(count)-float scratch buffer")
            }
            let pointer = raw.bindMemory(to: Float.self, capacity: count)
            buffers[slot] = (pointer, count)
            return pointer
        }
    }

    deinit {
        for buffer in buffers { free(buffer.pointer) }
    }
}
