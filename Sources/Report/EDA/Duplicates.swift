import Foundation

/// Groups of identical images and pairs of nearly identical ones across a set of images.
struct DuplicateFinder {
    /// All images, `count * pixelsPerImage` bytes.
    let pixels: [UInt8]
    let pixelsPerImage: Int

    var count: Int { pixels.count / pixelsPerImage }

    /// Groups (of two or more indices, ascending) whose bytes are identical. Exact: the
    /// dictionary compares full byte slices, hashing only picks the bucket.
    func exactGroups() -> [[Int]] {
        var groups: [ArraySlice<UInt8>: [Int]] = [:]
        groups.reserveCapacity(count)
        for i in 0..<count {
            groups[pixels[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)], default: []].append(
                i)
        }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }

    /// Pairs (i < j) of different images whose root-mean-square pixel difference is at most
    /// `threshold` (0...255 scale), with that distance.
    ///
    /// Method, exact (no pair is missed): images are sorted by mean brightness; two images
    /// within RMS distance t differ in mean by at most t, so each image is only compared
    /// with the following ones whose mean is within t. Those candidates are screened on 16
    /// block means (4x4 blocks of 7x7 pixels; 49 * |Δ block means|² <= |Δ pixels|², Cauchy-
    /// Schwarz), and only survivors are compared on all 784 pixels.
    func nearPairs(threshold: Double) -> [(i: Int, j: Int, distance: Double)] {
        precondition(pixelsPerImage == 784, "near-duplicate screening assumes 28x28 images")
        let limit = threshold * threshold * Double(pixelsPerImage)
        let signatures = (0..<count).map(signature)
        let means = signatures.map { $0.sum() / 16 }
        let order = (0..<count).sorted { means[$0] < means[$1] }
        let sortedMeans = order.map { Float(means[$0]) }

        let workers = 2
        let found = PairCollector()
        pixels.withUnsafeBufferPointer { bytes in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var local: [(Int, Int, Double)] = []
                for a in stride(from: w, to: count, by: workers) {
                    let i = order[a]
                    var b = a + 1
                    while b < count && Double(sortedMeans[b] - sortedMeans[a]) <= threshold {
                        let j = order[b]
                        b += 1
                        let delta = signatures[i] - signatures[j]
                        guard 49 * Double((delta * delta).sum()) <= limit else { continue }
                        let squared = squaredDistance(bytes.baseAddress!, i, j)
                        if squared > 0 && Double(squared) <= limit {
                            local.append(
                                (min(i, j), max(i, j), (Double(squared) / 784).squareRoot()))
                        }
                    }
                }
                found.add(local)
            }
        }
        return found.pairs.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { ($0.0, $0.1, $0.2) }
    }

    /// Means of the 16 blocks of 7x7 pixels.
    private func signature(_ image: Int) -> SIMD16<Float> {
        var s = SIMD16<Float>()
        let base = image * pixelsPerImage
        for y in 0..<28 {
            for x in 0..<28 { s[(y / 7) * 4 + x / 7] += Float(pixels[base + y * 28 + x]) }
        }
        return s / 49
    }

    private func squaredDistance(_ bytes: UnsafePointer<UInt8>, _ i: Int, _ j: Int) -> Int {
        let a = bytes + i * pixelsPerImage
        let b = bytes + j * pixelsPerImage
        var total = 0
        for p in 0..<pixelsPerImage {
            let d = Int(a[p]) - Int(b[p])
            total += d * d
        }
        return total
    }

    /// Pairs gathered from worker threads under a lock.
    private final class PairCollector: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var pairs: [(Int, Int, Double)] = []

        func add(_ more: [(Int, Int, Double)]) {
            lock.withLock { pairs += more }
        }
    }
}
