import Datasets
import Evaluation
import Foundation
import GAN
import NeuralNet
import Report
import Study
import Tensor
import TestSupport
import XCTest

/// A tiny study end to end on synthetic images: train, score, compare, report, resume.
final class StudyRunTests: XCTestCase {
    func testTinyStudyRunsScoresReportsAndResumes() throws {
        let directory = SharedData.temporaryDirectory("study")
        let (runner, plan) = try makeRunner(directory)

        var started = 0
        let results = try runner.run(command: "test") { if case .runStarted = $0 { started += 1 } }
        XCTAssertEqual(started, 4)
        XCTAssertEqual(results.runs.count, 4)
        for run in results.runs {
            XCTAssertEqual(run.status, .completed)
            XCTAssertEqual(run.epochScores.map(\.epoch), [1, 2], "one cheap FID per epoch")
            let final = try XCTUnwrap(run.final)
            XCTAssertEqual(final.samples, plan.evaluation.finalSamples)
            XCTAssertEqual(final.classCounts.reduce(0, +), plan.evaluation.finalSamples)
            XCTAssertTrue(final.fid.isFinite && final.fid >= 0, "FID \(final.fid)")
            XCTAssertNotNil(run.best)
            XCTAssertFalse(run.curves.narrative.isEmpty)
        }
        XCTAssertEqual(results.variants.map(\.variant), ["baseline", "l2"])
        XCTAssertNil(results.variants[0].comparison, "the baseline is not compared with itself")
        let comparison = try XCTUnwrap(results.variants[1].comparison)
        XCTAssertNotNil(comparison.fidP, "two seeds per variant give a p-value")
        XCTAssertEqual(results.variants[1].fid.values.count, 2)
        XCTAssertNotNil(results.bestVariant)

        try StudyReport.write(results: results, studyDirectory: directory)
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("FID (FMNIST-CNN)"))
        XCTAssertTrue(html.contains("l2") && html.contains("baseline"))
        let csv = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 5, "header and one row per run")

        // Resuming a finished study redoes nothing and gives the same scores.
        var skipped = 0
        let again = try makeRunner(directory).0.run(command: "test") { if case .runSkipped = $0 { skipped += 1 } }
        XCTAssertEqual(skipped, 4)
        XCTAssertEqual(again.runs.map { $0.final?.fid }, results.runs.map { $0.final?.fid })
    }

    private func makeRunner(_ directory: URL) throws -> (StudyRunner, StudyPlan) {
        var plan = StudyPreset.quick.plan
        plan.variants = ["baseline", "l2"]
        plan.seeds = [1, 2]
        plan.base.epochs = 2
        plan.base.batchSize = 16
        plan.base.nz = 8
        plan.base.ngf = 4
        plan.base.ndf = 4
        plan.base.subset = nil
        plan.evaluation.epochSamples = 64
        plan.evaluation.finalSamples = 96
        plan.evaluation.referenceSamples = 64
        plan.evaluation.manifoldSamples = 48

        var stream = RandomStream(seed: 5)
        let pixels = (0..<(64 * 784)).map { _ in UInt8(stream.next() % 256) }
        let labelled = LabelledImages(split: .train, pixels: pixels, labels: (0..<64).map { UInt8($0 % 10) },
                                      imagesSHA256: "", labelsSHA256: "")
        let images = try TrainingImages(labelled, side: 28)
        let network = FashionCNN(dropoutSource: RandomSource(RandomStream(seed: 1)))
        var initStream = RandomStream(seed: 2)
        Initialization.pytorchDefault.apply(to: network, stream: &initStream)
        let classifier = FashionClassifier(network: network, batchSize: 64)
        let scorer = try Scorer(extractor: classifier, classifier: classifier, plan: plan.evaluation,
                                referenceImages: images, cacheDirectory: directory.appendingPathComponent("cache"))
        return (StudyRunner(plan: plan, directory: directory, scorer: scorer, trainingImages: images), plan)
    }
}
