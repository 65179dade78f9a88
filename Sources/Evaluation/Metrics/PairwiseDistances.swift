/// Squared Euclidean distances between the rows of two feature matrices, produced a block
/// of rows at a time (‖a‖² + ‖b‖² − 2 aᵀb through float32 BLAS) so that 10,000 x 10,000
/// distances never need 400 MB at once.
struct PairwiseDistances {
    let a: [Float]
    let b: [Float]
    let dimension: Int
    /// Rows of `a` per block.
    var blockRows = 512

    var rowsA: Int { a.count / dimension }
    var rowsB: Int { b.count / dimension }

    /// Calls `body(firstRow, rows, firstColumn, distances)` for consecutive blocks of rows
    /// of `a`, where `distances[r * width + c]` is the squared distance from row
    /// `firstRow + r` to row `firstColumn + c` of `b`, and `width = rowsB − firstColumn`.
    /// With `upperTriangle` (for `a` = `b`), columns start at the block's first row: the
    /// symmetric half is skipped, halving the work.
    func forEachBlock(
        upperTriangle: Bool = false, _ body: (Int, Int, Int, UnsafeBufferPointer<Float>) -> Void
    ) {
        let normsA = Self.squaredNorms(a, dimension)
        let normsB = Self.squaredNorms(b, dimension)
        var block = [Float](repeating: 0, count: min(blockRows, rowsA) * rowsB)
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                block.withUnsafeMutableBufferPointer { out in
                    for first in stride(from: 0, to: rowsA, by: blockRows) {
                        let rows = min(blockRows, rowsA - first)
                        let firstColumn = upperTriangle ? first : 0
                        let width = rowsB - firstColumn
                        DenseLinearAlgebra.innerProducts(
                            aBuffer.baseAddress! + first * dimension, rowsA: rows,
                            bBuffer.baseAddress! + firstColumn * dimension, rowsB: width,
                            dimension: dimension, into: out.baseAddress!)
                        for r in 0..<rows {
                            let na = normsA[first + r]
                            for c in 0..<width {
                                // Rounding can push a zero distance slightly negative.
                                let product = out[r * width + c]
                                out[r * width + c] = max(
                                    0, na + normsB[firstColumn + c] - 2 * product)
                            }
                        }
                        body(
                            first, rows, firstColumn,
                            UnsafeBufferPointer(rebasing: out[..<(rows * width)]))
                    }
                }
            }
        }
    }

    /// For each row of `a`, the squared distance to its k-th nearest other row (itself
    /// excluded, duplicates counted), for every k in `ks`: `result[kIndex][row]`.
    static func nearestNeighbourRadii(
        _ a: [Float], dimension: Int, ks: [Int]
    ) -> [[Float]] {
        let largest = ks.max()!
        let distances = PairwiseDistances(a: a, b: a, dimension: dimension)
        let n = distances.rowsA
        precondition(largest < n, "k = \(largest) needs more than \(n) samples")
        // Row i's `largest` smallest distances so far, ascending, at i * largest.
        var nearest = [Float](repeating: .infinity, count: n * largest)
        nearest.withUnsafeMutableBufferPointer { lists in
            func insert(_ value: Float, row: Int) {
                let base = row * largest
                guard value < lists[base + largest - 1] else { return }
                var slot = largest - 1
                while slot > 0, lists[base + slot - 1] > value {
                    lists[base + slot] = lists[base + slot - 1]
                    slot -= 1
                }
                lists[base + slot] = value
            }
            // Each pair is computed once and offered to both of its rows.
            distances.forEachBlock(upperTriangle: true) { first, rows, firstColumn, block in
                let width = n - firstColumn
                for r in 0..<rows {
                    let i = first + r
                    for j in (i + 1)..<n {
                        let value = block[r * width + j - firstColumn]
                        insert(value, row: i)
                        insert(value, row: j)
                    }
                }
            }
        }
        return ks.map { k in (0..<n).map { nearest[$0 * largest + k - 1] } }
    }

    private static func squaredNorms(_ x: [Float], _ dimension: Int) -> [Float] {
        (0..<(x.count / dimension)).map { row in
            var sum: Float = 0
            for j in 0..<dimension { sum += x[row * dimension + j] * x[row * dimension + j] }
            return sum
        }
    }
}
