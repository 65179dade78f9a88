/// The weight gradient's transformed output gradients: A g Aᵀ of every m × m tile of dy, the
/// left operands of its products.
extension WinogradKernels {
    /// A g Aᵀ of every m × m tile of dy for images `part` of the chunk, written straight into
    /// the weight gradient's packed left operands Ũ[p] [out, tiles] (`PackedGEMM.LeftLayout`),
    /// planes `planeStride` apart: each image staged channels-last, zero-padded to whole
    /// tiles, then eight channels of a tile at a time, which are one run of the layout. (Tiles
    /// gathered a float at a time, and then packed, took a sixth of a weight gradient.) The
    /// rows past `out` in a last group of eight hold whatever lies past the staged channels;
    /// the products drop them.
    static func gradientPanels(
        _ t: WinogradTiling, dy: UnsafePointer<Float>, images: Range<Int>, part: Range<Int>,
        into u: UnsafeMutablePointer<Float>, planeStride: Int
    ) {
        let g = t.g, m = F.m, out = g.outChannels, tiles = images.count * t.tilesPerImage
        let rows = t.tileRows * m, columns = t.tileColumns * m
        let layout = PackedGEMM.LeftLayout(m: out, k: tiles)
        let own = ConvolutionScratch.take()
        defer { ConvolutionScratch.give(own) }
        // 8 floats past the image for the last pixel's last group of channels.
        let image = own.floats(0, count: rows * columns * out + 8)
        for n in part {
            WinogradTransforms.stageChannelsLast(
                dy + (images.lowerBound + n) * out * g.outPlane, images: 1, channels: out,
                height: g.outHeight, width: g.outWidth, rows: rows, columns: columns, rowOrigin: 0,
                columnOrigin: 0, into: image)
            for ty in 0..<t.tileRows {
                for tx in 0..<t.tileColumns {
                    let tile = (n * t.tileRows + ty) * t.tileColumns + tx
                    let window = image + (m * ty * columns + m * tx) * out
                    for o0 in Swift.stride(from: 0, to: out, by: 8) {
                        let target = u + layout.index(row: o0, column: tile)
                        WinogradTile<F>.gradient(
                            { r, c in UnsafeRawPointer(window + (r * columns + c) * out + o0).loadUnaligned(as: Lanes.self) },
                            { p, value in UnsafeMutableRawPointer(target + p * planeStride).storeBytes(of: value, as: Lanes.self) })
                    }
                }
            }
        }
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
}
