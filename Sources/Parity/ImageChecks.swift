import Datasets
import Formats

/// The image pipeline: Pillow-style bilinear resize of uint8 images with normalisation,
/// and torchvision's image grid with `save_image` rounding.
enum ImageChecks {
    static let all: [String: ParityRunner.Checker] = [
        "resize_bilinear": resize,
        "image_grid": grid,
    ]

    static func resize(_ c: ReferenceCase) throws -> [String] {
        let input = try c.tensor("input_u8")
        let count = input.shape[0]
        let side = Int(c.number("size") ?? 64)
        let labelled = LabelledImages(split: .test, pixels: input.bytes, labels: [UInt8](repeating: 0, count: count),
                                      imagesSHA256: "", labelsSHA256: "")
        let images = try TrainingImages(labelled, side: side)
        var problems: [String] = []
        if let p = byteMismatch("pil_bilinear_u8", expected: try c.tensor("pil_bilinear_u8").bytes, observed: images.pixels,
                                tolerance: Int(c.tolerance["abs_u8"] ?? 1)) {
            problems.append(p)
        }
        if let p = try c.compare("normalized", images.normalizedPixels(), abs: c.tolerance["abs_float"] ?? 1e-5, rel: 0) {
            problems.append(p)
        }
        return problems
    }

    static func grid(_ c: ReferenceCase) throws -> [String] {
        let images = try c.tensor("images")
        let s = images.shape
        let grid = ImageGrid.make(images.floats(), count: s[0], channels: s[1], height: s[2], width: s[3],
                                  nrow: Int(c.number("nrow") ?? 8), padding: Int(c.number("padding") ?? 2),
                                  normalize: c.flag("normalize") ?? true, padValue: Float(c.number("pad_value") ?? 0))
        let expected = try c.tensor("grid_u8")
        // The reference stores 3 equal channels (C, H, W); a gray grid is compared per channel.
        let plane = grid.width * grid.height
        guard expected.count % plane == 0 else {
            return ["grid_u8: reference has \(expected.shape), ours is \(grid.height)x\(grid.width)"]
        }
        let observed = (0..<(expected.count / plane)).flatMap { _ in grid.channels == 1 ? grid.pixels : [] }
        return byteMismatch("grid_u8", expected: expected.bytes, observed: grid.channels == 1 ? observed : grid.pixels,
                            tolerance: Int(c.tolerance["abs_u8"] ?? 1)).map { [$0] } ?? []
    }

    static func byteMismatch(_ label: String, expected: [UInt8], observed: [UInt8], tolerance: Int) -> String? {
        guard expected.count == observed.count else {
            return "\(label): expected \(expected.count) bytes, observed \(observed.count)"
        }
        let worst = zip(expected, observed).map { abs(Int($0) - Int($1)) }.max() ?? 0
        return worst <= tolerance ? nil : "\(label): worst byte off by \(worst), tolerance \(tolerance)"
    }
}
