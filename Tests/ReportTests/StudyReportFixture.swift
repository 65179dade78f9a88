import Formats
import Foundation
import GAN
import TestSupport

@testable import Study

/// A tiny synthetic study: baseline and dropout, 3 epochs, one dropout run diverged.
enum Fixture {
    static let epochs = 3
    static let variants = ["baseline", "dropout"]

    /// Writes run directories (history, sample grids, real samples) for `seeds`.
    static func study(seeds: [UInt64]) throws -> URL {
        let directory = SharedData.temporaryDirectory("study-report")
        for variant in variants {
            for seed in seeds {
                let run = RunDirectory(
                    directory.appendingPathComponent("runs/\(variant)-seed\(seed)"))
                try FileManager.default.createDirectory(
                    at: run.samples, withIntermediateDirectories: true)
                var lines = ["iteration,epoch,loss_d,loss_g,d_x,d_g_z1,d_g_z2,seconds"]
                for i in 1...60 {
                    let x = Double(i)
                    lines.append("\(i),\((i - 1) / 20 + 1),\(1.3 / x.squareRoot()),"
                        + "\(0.7 + 0.05 * x),0.8,0.2,0.3,\(x)")
                }
                try lines.joined(separator: "\n").write(
                    to: run.history, atomically: true, encoding: .utf8)
                for epoch in 1...epochs {
                    try PNGEncoder.write(grid(shade: epoch * 60), to: run.sampleGrid(epoch: epoch))
                }
                try PNGEncoder.write(grid(shade: 255), to: run.realSamples)
            }
        }
        return directory
    }

    private static func grid(shade: Int) -> PixelImage {
        PixelImage(width: 18, height: 18, channels: 1,
                   pixels: (0..<324).map { UInt8(($0 * 7 + shade) % 256) })
    }

    /// Results for `seeds` of both variants; the last dropout seed diverged.
    static func results(seeds: [UInt64]) -> StudyResults {
        var plan = StudyPreset.quick.plan
        plan.variants = variants
        plan.seeds = seeds
        plan.evaluation.finalSamples = 500
        plan.evaluation.referenceSamples = 1000
        var runs: [RunResult] = []
        for (v, variant) in variants.enumerated() {
            for (s, seed) in seeds.enumerated() {
                let diverged = variant == "dropout" && s == seeds.count - 1 && seeds.count > 1
                let fid = 30.5 + 10 * Double(v) + Double(s)
                runs.append(RunResult(
                    variant: variant, seed: seed, directory: "runs/\(variant)-seed\(seed)",
                    status: diverged ? .diverged : .completed,
                    message: diverged ? "loss_d became NaN at iteration 41" : "",
                    epochsCompleted: diverged ? 2 : epochs, iterations: diverged ? 40 : 60,
                    trainingSeconds: 61.5,
                    epochScores: (1...epochs).map {
                        EpochScore(epoch: $0, fid: fid + 20 / Double($0), samples: 200)
                    },
                    final: diverged ? nil : metrics(epoch: epochs, fid: fid),
                    best: diverged ? nil : metrics(epoch: 2, fid: fid - 1),
                    curves: CurveAnalysis(
                        dominance: [], collapses: [], finalOscillation: 0.1, settleEpoch: 2,
                        finalLossD: 0.4, finalLossG: 2.5, narrative: ["Settles by epoch 2."])))
            }
        }
        let baselineFIDs = seeds.indices.map { 30.5 + Double($0) }
        return StudyResults(
            plan: plan, runs: runs,
            variants: [
                summary("baseline", fids: baselineFIDs, diverged: 0, comparison: nil),
                summary("dropout", fids: [40.5], diverged: seeds.count > 1 ? 1 : 0,
                        comparison: comparison(seeds: seeds.count)),
            ],
            bestVariant: "baseline",
            environment: EnvironmentRecord(
                tool: "dcgan-lab 0.1", swiftVersion: "6.3.1", machine: "test x86_64", cores: 2,
                threads: 2, convolutions: "winograd", started: "2026-01-01T00:00:00Z", wallSeconds: 250,
                command: "dcgan-lab study --preset quick --seeds \(seeds.count)"))
    }

    private static func metrics(epoch: Int, fid: Double) -> MetricSet {
        MetricSet(
            epoch: epoch, features: "fmnist-cnn", samples: 500, referenceSamples: 1000,
            fid: fid, kid: 0.012, kidStd: 0.001, precision: 0.7, recall: 0.4, density: 0.9,
            coverage: 0.6, classCounts: [60, 40, 50, 50, 45, 55, 50, 50, 50, 50],
            classEntropy: 2.3, klFromUniform: 0.01, classesCovered: 10, inceptionScore: 7.5)
    }

    private static func summary(
        _ variant: String, fids: [Double], diverged: Int, comparison: BaselineComparison?
    ) -> VariantSummary {
        let fid = estimate(fids)
        let other = estimate(fids.map { _ in 0.5 })
        return VariantSummary(
            variant: variant, summary: Variant.named(variant)!.summary,
            seeds: fids.count + diverged,
            completedRuns: fids.count, divergedRuns: diverged, fid: fid,
            kid: estimate(fids.map { $0 / 2500 }), precision: other, recall: other,
            density: other, coverage: other, classesCovered: estimate(fids.map { _ in 10 }),
            fidSamples: 500, fidReferenceSamples: 1000, features: "fmnist-cnn",
            grade: "fair", gradeReason: "FID \(Int(fids[0])) with full class coverage",
            curveSummary: ["D dominates in epoch 1.", "Settles by epoch 2."],
            comparison: comparison)
    }

    private static func estimate(_ values: [Double]) -> Estimate {
        let ci = Statistics.confidenceInterval(values)
        return Estimate(
            mean: ci.mean,
            std: values.count > 1 ? Statistics.sampleStandardDeviation(values) : nil,
            lower: ci.lower.isFinite ? ci.lower : nil, upper: ci.upper.isFinite ? ci.upper : nil,
            values: values)
    }

    private static func comparison(seeds: Int) -> BaselineComparison {
        let interval = seeds > 1
        return BaselineComparison(
            baseline: "baseline", lossDChangePercent: -12.5, lossGChangePercent: 8,
            welchT: 3.2, welchP: 0.002, cohensD: 0.4, shareLowerLossG: 0.35,
            fidDifference: Estimate(mean: 10, std: nil, lower: interval ? 2 : nil,
                                    upper: interval ? 18 : nil, values: [10]),
            fidP: interval ? 0.03 : nil,
            kidDifference: Estimate(
                mean: 0.004, std: nil, lower: nil, upper: nil, values: [0.004]),
            kidP: nil, statement: "Dropout is worse than the baseline in FID.")
    }

    /// Writes `results.json` as the study runner does.
    static func writeJSON(_ results: StudyResults, to directory: URL) throws {
        try JSONEncoder().encode(results).write(
            to: directory.appendingPathComponent("results.json"))
    }

    /// Local `src` and `href` targets of a page (not anchors or web addresses).
    static func localLinks(_ html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "(?:src|href)=\"([^\"#:]+)\"")
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).map {
            String(html[Range($0.range(at: 1), in: html)!])
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// The chunks of a PNG file: type and body.
    static func chunks(_ bytes: [UInt8]) -> [(type: String, body: [UInt8])] {
        var chunks: [(String, [UInt8])] = []
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = Int(uint32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            chunks.append((type, Array(bytes[(offset + 8)..<(offset + 8 + length)])))
            offset += 12 + length
        }
        return chunks
    }

    /// A big-endian 32-bit value at `offset`.
    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
