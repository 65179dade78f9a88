/// Tiles images into one picture the way torchvision's `make_grid` followed by
/// `save_image` does, so sample grids match the reference project pixel for pixel.
public enum ImageGrid {
    /// Lays out `count` images of `channels x height x width` floats (NCHW, contiguous) in
    /// rows of `nrow`, with `padding` pixels of `padValue` around and between them.
    ///
    /// With `normalize`, values are clamped to `valueRange` (default: the batch's min and
    /// max, or each image's own with `scaleEach`) and mapped to [0, 1]; without it they must
    /// already be in [0, 1]. Bytes are `floor(v * 255 + 0.5)` clamped, as `save_image` does.
    /// One-channel images give a gray image (torchvision repeats it into 3 equal channels),
    /// three-channel images give RGB. A single image is returned without padding, as in
    /// torchvision.
    public static func make(
        _ images: [Float], count: Int, channels: Int, height: Int, width: Int,
        nrow: Int = 8, padding: Int = 2, normalize: Bool = true,
        valueRange: ClosedRange<Float>? = nil, scaleEach: Bool = false, padValue: Float = 0
    ) -> PixelImage {
        precondition(count >= 1, "ImageGrid needs at least one image")
        precondition(
            channels == 1 || channels == 3, "ImageGrid takes 1 or 3 channels, not \(channels)")
        precondition(
            images.count == count * channels * height * width,
            "ImageGrid: \(images.count) values for \(count)x\(channels)x\(height)x\(width)")
        precondition(nrow >= 1 && padding >= 0, "ImageGrid: nrow >= 1 and padding >= 0")

        let imageSize = channels * height * width
        var values = images
        if normalize {
            let groups = scaleEach ? count : 1
            let groupSize = images.count / groups
            for g in 0..<groups {
                let range = g * groupSize..<(g + 1) * groupSize
                let bounds = valueRange ?? (images[range].min()!...images[range].max()!)
                for i in range { values[i] = rescale(values[i], bounds) }
            }
        }
        if count == 1 {
            return quantize(values, planes: channels, width: width, height: height)
        }

        let columns = min(nrow, count)
        let rows = (count + columns - 1) / columns
        let cellHeight = height + padding
        let cellWidth = width + padding
        let gridHeight = rows * cellHeight + padding
        let gridWidth = columns * cellWidth + padding
        let plane = gridHeight * gridWidth
        var grid = [Float](repeating: padValue, count: channels * plane)
        for k in 0..<count {
            let top = (k / columns) * cellHeight + padding
            let left = (k % columns) * cellWidth + padding
            for c in 0..<channels {
                for y in 0..<height {
                    let source = k * imageSize + (c * height + y) * width
                    let target = c * plane + (top + y) * gridWidth + left
                    for x in 0..<width { grid[target + x] = values[source + x] }
                }
            }
        }
        return quantize(grid, planes: channels, width: gridWidth, height: gridHeight)
    }

    /// torchvision's `norm_ip`: clamp, subtract the low end, divide by the span (at least
    /// 1e-5 so a constant batch does not divide by zero).
    private static func rescale(_ v: Float, _ bounds: ClosedRange<Float>) -> Float {
        let clamped = min(max(v, bounds.lowerBound), bounds.upperBound)
        return (clamped - bounds.lowerBound) / max(bounds.upperBound - bounds.lowerBound, 1e-5)
    }

    /// `save_image`'s `mul(255).add_(0.5).clamp_(0, 255)` then truncation to uint8, with the
    /// planar values interleaved into pixels.
    private static func quantize(_ planar: [Float], planes: Int, width: Int, height: Int)
        -> PixelImage
    {
        let plane = width * height
        var pixels = [UInt8](repeating: 0, count: planar.count)
        for c in 0..<planes {
            for i in 0..<plane {
                let scaled = min(max(planar[c * plane + i] * 255 + 0.5, 0), 255)
                // A diverged generator can emit NaN; draw it black rather than trap.
                pixels[i * planes + c] = scaled.isNaN ? 0 : UInt8(scaled)
            }
        }
        return PixelImage(width: width, height: height, channels: planes, pixels: pixels)
    }
}
