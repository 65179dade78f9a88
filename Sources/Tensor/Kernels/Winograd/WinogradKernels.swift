import Foundation

/// The kernels for one Winograd form F.
enum WinogradKernels<F: WinogradForm> {
    typealias Lanes = WinogradLanes8.Lanes

    /// y = conv(x, w) (leaky-rectified with `rectifierSlope`): per chunk, the input transformed
    /// into packed panels (or plain planes when the channels are not whole vectors), the
    /// products, and the output transform.
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
                kernel.apply(t, v, packed: true, images: images, y: y, scratch: scratch, wide: wide)
            } else {
                let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide)
                kernel.apply(t, v, packed: false, images: images, y: y, scratch: scratch, wide: wide)
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
        // Chunks over the threads, one group per thread (each group's products are 25/16 or
        // 9/4 of dw's size; more partials cost more than the balance they bought). Wide: one
        // group, its products split over the threads.
        let groups = chunking.wide ? 1 : min(chunks, Engine.threads)
        let size = g.outChannels * g.patchSize
        let partials = groups > 1 ? Tensor(uninitialized: [groups - 1, size]) : nil
        let productPlane = WinogradTransforms.planeStride(g.outChannels * depth)
        // Operands written packed for the products (`packedChunk`) where the input's channels
        // make whole panel runs; else plain, packed by the products themselves.
        let packed = g.inChannels % 16 == 0
        Engine.parallelFor(groups, pieces: groups) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            for group in range {
                let products = scratch.floats(4, count: F.planes * productPlane)
                let lo = chunks * group / groups, hi = chunks * (group + 1) / groups
                for chunk in lo..<hi {
                    let images = chunking.images(chunk), wide = chunking.wide
                    let tiles = images.count * t.tilesPerImage
                    if packed {
                        packedChunk(t, x: x, dy: dy, images: images, wide: wide, beta: chunk == lo ? 0 : 1,
                                    products: products, productPlane: productPlane, scratch: scratch)
                        if let kernel, let y = alsoForward?.y {
                            let v = forwardPanels(t, x: x, images: images, scratch: scratch, wide: wide)
                            kernel.apply(t, v, packed: true, images: images, y: y, scratch: scratch, wide: wide)
                        }
                        continue
                    }
                    let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide)
                    let uPlane = WinogradTransforms.planeStride(g.outChannels * tiles)
                    let vPlane = WinogradTransforms.planeStride(tiles * depth)
                    let u = scratch.floats(2, count: F.planes * uPlane)
                    WinogradLanes8.forEachPart(images: images.count, perImage: t.tilesPerImage, wide: wide) { r in
                        gradientTiles(t, dy: dy, images: images, part: r, into: u)
                    }
                    WinogradConvolution.forEachPosition(F.planes, wide: wide) { p, threaded in
                        GEMM.multiply(u + p * uPlane, transposeA: false,
                                      v + p * vPlane, transposeB: false,
                                      into: products + p * productPlane,
                                      m: g.outChannels, n: depth, k: tiles,
                                      beta: chunk == lo ? 0 : 1, threaded: threaded)
                    }
                    if let kernel, let y = alsoForward?.y {
                        kernel.apply(t, v, packed: false, images: images, y: y, scratch: scratch, wide: wide)
                    }
                }
                let target = group == 0 ? dw : partials!.data + (group - 1) * size
                weightsFromProducts(g, products, into: target)
            }
        }
        withExtendedLifetime(kernel) {}
        guard let partials else { return }
        ConvolutionKernels.addPartials(partials, groups: groups, size: size, into: dw)
    }

    /// One chunk's products of the weight gradient, M[p] = Ũ[p] · V[p] (+ M[p] when beta is 1),
    /// from operands transformed straight into the packed layouts (`gradientPanels`,
    /// `forwardOperand(packed:)`): scratch slots 1 and 2.
    static func packedChunk(
        _ t: WinogradTiling, x: UnsafePointer<Float>, dy: UnsafePointer<Float>, images: Range<Int>,
        wide: Bool, beta: Float, products: UnsafeMutablePointer<Float>, productPlane: Int,
        scratch: ConvolutionScratch
    ) {
        let g = t.g, depth = 4 * g.inChannels, tiles = images.count * t.tilesPerImage
        let v = forwardOperand(t, x: x, images: images, scratch: scratch, wide: wide, packed: true)
        let vPlane = WinogradTransforms.planeStride(PackedRightLayout(k: tiles, n: depth).count)
        let uPlane = WinogradTransforms.planeStride(PackedGEMM.packedLeftCount(m: g.outChannels, k: tiles))
        let u = scratch.floats(2, count: F.planes * uPlane)
        WinogradLanes8.forEachPart(images: images.count, perImage: t.tilesPerImage, wide: wide) { r in
            gradientPanels(t, dy: dy, images: images, part: r, into: u, planeStride: uPlane)
        }
        WinogradConvolution.forEachPosition(F.planes, wide: wide) { p, threaded in
            PackedGEMM.multiplyPacked(u + p * uPlane, m: g.outChannels, v + p * vPlane, n: depth, k: tiles,
                                      into: products + p * productPlane, beta: beta, threaded: threaded)
        }
    }

    /// Each parity (bh, bw) of the padded input is a 2-tap, stride-1 correlation of dy with the
    /// flipped taps w[bh + 2(1 − a)][bw + 2(1 − a′)], computed as its own products. Where the
    /// parities share their windows (`WinogradTiling.sharesGradientWindows`), dy is transformed
    /// once and the four parities' products all read it.
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
        let panels = cout % 16 == 0, shared = t.sharesGradientWindows
        chunking.run { images, scratch, wide in
            let count = images.count, tiles = count * tilesPerImage
            let vPlane = WinogradTransforms.planeStride(tiles * cout)
            let panelPlane = WinogradTransforms.planeStride(PackedRightLayout(k: cout, n: tiles).count)
            let mPlane = WinogradTransforms.planeStride(cin * tiles)
            let v = scratch.floats(1, count: planes * max(vPlane, panelPlane))
            let m = scratch.floats(2, count: 2 * planes * mPlane)
            let pieces = wide ? count : 1
            // Images r of the chunk's dy staged channels-last into `staged`.
            func stage(_ r: Range<Int>, into staged: UnsafeMutablePointer<Float>) {
                WinogradTransforms.stageChannelsLast(
                    dy + (images.lowerBound + r.lowerBound) * cout * g.outPlane, images: r.count,
                    channels: cout, height: g.outHeight, width: g.outWidth, rows: stagedRows,
                    columns: stagedColumns, rowOrigin: t.rows.origin, columnOrigin: t.columns.origin,
                    into: staged)
            }
            // With shared windows and packed panels dy is read once, a block at a time
            // (`forEachStagedBlock`); otherwise the four parities read the whole chunk staged.
            let blocked = shared && panels
            let staged = blocked ? nil : scratch.floats(0, count: count * stagedImage)
            if let staged {
                Engine.parallelFor(count, pieces: pieces) { r in
                    stage(r, into: staged + r.lowerBound * stagedImage)
                }
            }
            for bh in 0..<2 {
                for bw in 0..<2 {
                    let phase = 2 * bh + bw
                    let r0 = shared ? 0 : t.rows.first(bh) - 1 - t.rows.origin
                    let s0 = shared ? 0 : t.columns.first(bw) - 1 - t.columns.origin
                    let transformed = shared && phase > 0
                    let rowFloats = stagedColumns * cout
                    let products = m + bw * planes * mPlane
                    if panels {
                        let tw = t.columns.tiles
                        // Tiles `range` into the panels, from dy staged from chunk image `first` on.
                        func writeTiles(_ range: Range<Int>, first: Int, _ staged: UnsafePointer<Float>) {
                            writePanels(
                                tiles: range, totalTiles: tiles, channels: cout, phases: 1,
                                window: { tile in
                                    let n = tile / tilesPerImage - first, rest = tile % tilesPerImage
                                    let row = r0 + F.m * (rest / tw), column = s0 + F.m * (rest % tw)
                                    return n * stagedImage + (row * stagedColumns + column) * cout
                                },
                                phaseOffset: { _ in 0 }, base: staged, rowStep: rowFloats, columnStep: cout, into: v, planeStride: panelPlane)
                        }
                        if blocked && !transformed {
                            forEachStagedBlock(
                                images: count, perImage: tilesPerImage, imageFloats: stagedImage, scratch: scratch,
                                wide: wide, stage: stage
                            ) { block, staged in
                                writeTiles((block.lowerBound * tilesPerImage)..<(block.upperBound * tilesPerImage),
                                           first: block.lowerBound, staged)
                            }
                        } else if let staged, !transformed {
                            let groups = (tiles + 15) / 16
                            Engine.parallelFor(groups, pieces: wide ? groups : 1) { range in
                                writeTiles((range.lowerBound * 16)..<min(tiles, range.upperBound * 16), first: 0, staged)
                            }
                        }
                        WinogradConvolution.forEachPosition(planes, wide: wide) { p, threaded in
                            PackedGEMM.multiplyPacked(lefts[phase * planes + p].packed!, m: cin, v + p * panelPlane,
                                                      n: tiles, k: cout, into: products + p * mPlane,
                                                      beta: 0, threaded: threaded)
                        }
                        continue
                    }
                    if let staged, !transformed {
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
                    }
                    WinogradConvolution.forEachPosition(planes, wide: wide) { p, threaded in
                        GEMM.multiply(lefts[phase * planes + p], v + p * vPlane, transposeB: true,
                                      into: products + p * mPlane, n: tiles, threaded: threaded)
                    }
                }
                WinogradLanes8.forEachPart(images: count, perImage: tilesPerImage, wide: wide) { r in
                    if shared {
                        scatterSharedInputGradient(t, m, rowParity: bh, images: images, part: r, dx: dx)
                    } else {
                        scatterInputGradient(t, m, rowParity: bh, images: images, part: r, dx: dx)
                    }
                }
            }
        }
        withExtendedLifetime(lefts) {}
    }
}
