import Tensor

/// Draws a class-balanced subset with a seeded stream, so the same seed picks the same images.
enum StratifiedSubset {
    /// `total` indices, `total / classes` per class plus one for the lowest labels while the
    /// remainder lasts, each class's picks a random draw without replacement; ascending.
    static func indices(_ total: Int, labels: [UInt8], seed: UInt64) throws -> [Int] {
        let classes = FashionMNIST.classNames.count
        var byClass = [[Int]](repeating: [], count: classes)
        for (i, label) in labels.enumerated() { byClass[Int(label)].append(i) }
        guard total >= 1 else {
            throw DatasetError.invalidSelection(
                "a stratified subset needs at least 1 image, got \(total)")
        }

        var stream = RandomStream(seed: seed, purpose: "stratified-subset")
        var chosen: [Int] = []
        for c in 0..<classes {
            let wanted = total / classes + (c < total % classes ? 1 : 0)
            guard wanted <= byClass[c].count else {
                throw DatasetError.invalidSelection(
                    "a stratified subset of \(total) needs \(wanted) images of class \(c) "
                        + "(\(FashionMNIST.classNames[c])) but the split has \(byClass[c].count)")
            }
            let order = stream.permutation(byClass[c].count)
            chosen += order.prefix(wanted).map { byClass[c][$0] }
        }
        return chosen.sorted()
    }
}
