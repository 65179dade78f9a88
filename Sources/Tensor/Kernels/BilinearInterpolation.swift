/// Bilinear resizing of image planes as PyTorch's `F.interpolate(mode: "bilinear",
/// align_corners: false, antialias: false)` computes it. Forward only. (Datasets'
/// `BilinearResize` is another filter: Pillow's, on uint8 images.)
///
/// FIXME: not antialiased, so downscaling by more than 2x skips input pixels (as torch
/// does without `antialias=True`); it matches torch in both directions.
public enum BilinearInterpolation {
    /// Resizes every [H, W] plane of an NCHW tensor to `height` x `width`.
    public static func forward(_ x: Tensor, height: Int, width: Int) -> Tensor {
        precondition(x.shape.count == 4, "bilinear resize needs NCHW input, got \(x.shape)")
        let planes = x.shape[0] * x.shape[1]
        let out = Tensor(uninitialized: [x.shape[0], x.shape[1], height, width])
        resizePlanes(
            x.data, planes: planes, inHeight: x.shape[2], inWidth: x.shape[3],
            into: out.data, outHeight: height, outWidth: width)
        return out
    }

    /// Resizes `planes` consecutive [inHeight, inWidth] planes into consecutive
    /// [outHeight, outWidth] planes.
    public static func resizePlanes(
        _ src: UnsafePointer<Float>, planes: Int, inHeight: Int, inWidth: Int,
        into dst: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int
    ) {
        precondition(
            inHeight > 0 && inWidth > 0 && outHeight > 0 && outWidth > 0,
            "bilinear resize: empty size \(inHeight)x\(inWidth) -> \(outHeight)x\(outWidth)")
        let rows = taps(inSize: inHeight, outSize: outHeight)
        let cols = taps(inSize: inWidth, outSize: outWidth)
        let inPlane = inHeight * inWidth
        let outPlane = outHeight * outWidth
        Engine.parallelFor(planes) { range in
            for p in range {
                let s = src + p * inPlane
                let d = dst + p * outPlane
                for (oh, r) in rows.enumerated() {
                    let top = s + r.low * inWidth
                    let bottom = s + r.high * inWidth
                    for (ow, c) in cols.enumerated() {
                        let upper = c.lowWeight * top[c.low] + c.highWeight * top[c.high]
                        let lower = c.lowWeight * bottom[c.low] + c.highWeight * bottom[c.high]
                        d[oh * outWidth + ow] = r.lowWeight * upper + r.highWeight * lower
                    }
                }
            }
        }
    }

    /// The two source indices and weights of one output coordinate.
    struct Tap {
        var low: Int, high: Int
        var lowWeight: Float, highWeight: Float
    }

    /// Source taps along one axis. Follows ATen's float arithmetic: scale = in/out, source
    /// = max((dst + 0.5)·scale − 0.5, 0), so edge pixels are reproduced bit for bit.
    static func taps(inSize: Int, outSize: Int) -> [Tap] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { o in
            let source = max(scale * (Float(o) + 0.5) - 0.5, 0)
            let low = Int(source)
            let high = low < inSize - 1 ? low + 1 : low
            let highWeight = source - Float(low)
            return Tap(low: low, high: high, lowWeight: 1 - highWeight, highWeight: highWeight)
        }
    }
}
