/// Fidelity and diversity from k-nearest-neighbour manifolds in feature space.
/// Precision and recall follow Kynkäänniemi et al. 2019: each sample's ball reaches its
/// k-th nearest neighbour in its own set; precision is the share of generated samples inside
/// some real ball, recall the share of real samples inside some generated ball. Density and
/// coverage follow Naeem et al. 2020, with real balls only: density counts how many real
/// balls hold each generated sample (divided by k, so 1 is typical), coverage is the share
/// of real balls that hold at least one generated sample. Balls are closed (distance ≤
/// radius), so a sample lying on a ball's boundary, or a duplicate, counts as inside.
public struct ManifoldMetrics: Equatable, Sendable, Codable {
    /// Share of generated samples on the real manifold (k = `precisionRecallK`).
    public var precision: Double
    /// Share of real samples on the generated manifold (k = `precisionRecallK`).
    public var recall: Double
    /// Mean number of real balls (k = `densityCoverageK`) holding a generated sample, / k.
    public var density: Double
    /// Share of real balls (k = `densityCoverageK`) holding at least one generated sample.
    public var coverage: Double

    /// All four metrics for row-major feature matrices of `dimension` columns; each set
    /// needs more rows than the larger k.
    public init(
        real: [Float], generated: [Float], dimension: Int, precisionRecallK: Int = 3,
        densityCoverageK: Int = 5
    ) throws {
        precondition(dimension > 0 && precisionRecallK > 0 && densityCoverageK > 0)
        precondition(
            real.count % dimension == 0 && generated.count % dimension == 0,
            "ManifoldMetrics: feature counts are not multiples of the dimension \(dimension)")
        let ks = [precisionRecallK, densityCoverageK]
        let n = real.count / dimension, m = generated.count / dimension
        guard min(n, m) > ks.max()! else {
            throw MetricError.tooFewSamples(
                needed: ks.max()! + 1, found: min(n, m), what: "Precision and recall")
        }

        let realRadii = PairwiseDistances.nearestNeighbourRadii(real, dimension: dimension, ks: ks)
        let generatedRadii = PairwiseDistances.nearestNeighbourRadii(
            generated, dimension: dimension, ks: [precisionRecallK])[0]
        let realPR = realRadii[0], realDC = realRadii[1]

        var generatedInReal = [Bool](repeating: false, count: m)
        var realInGenerated = [Bool](repeating: false, count: n)
        var realCovered = [Bool](repeating: false, count: n)
        var ballsHolding = 0
        PairwiseDistances(a: real, b: generated, dimension: dimension).forEachBlock {
            first, rows, _, block in
            for r in 0..<rows {
                let i = first + r
                for j in 0..<m {
                    let distance = block[r * m + j]
                    if distance <= realPR[i] { generatedInReal[j] = true }
                    if distance <= generatedRadii[j] { realInGenerated[i] = true }
                    if distance <= realDC[i] {
                        ballsHolding += 1
                        realCovered[i] = true
                    }
                }
            }
        }

        func share(_ flags: [Bool]) -> Double {
            Double(flags.filter { $0 }.count) / Double(flags.count)
        }
        precision = share(generatedInReal)
        recall = share(realInGenerated)
        density = Double(ballsHolding) / Double(densityCoverageK * m)
        coverage = share(realCovered)
    }
}
