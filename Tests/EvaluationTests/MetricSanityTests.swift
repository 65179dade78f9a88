import Datasets
import Evaluation
import Foundation
import Tensor
import XCTest

/// What FID (FMNIST-CNN) does on real data, the sanity figures a reader needs before
/// trusting it: real-vs-real near the estimator's floor, noise far above, and the estimate
/// falling as the sample size grows (its bias is what made 128-sample FIDs meaningless).
final class MetricSanityTests: XCTestCase {
    func testRealVersusRealIsNearTheFloorNoiseIsFarAboveAndFIDFallsWithN() throws {
        guard let location = DataLocator.look(in: DataLocator.systemDirectory, source: .system) else {
            throw XCTSkip("Fashion-MNIST is not installed in \(DataLocator.systemDirectory.path)")
        }
        let data = try FashionMNISTData.load(from: location, checksums: .require)
        let classifier = try FashionClassifier.bundled()
        func features(_ images: LabelledImages, _ n: Int) throws -> [Float] {
            let prepared = try TrainingImages(images, subset: .first(n), side: 28)
            return classifier.features(images: prepared.normalizedPixels(), count: n, side: 28)
        }
        let d = classifier.dimension
        let test = try FeatureStatistics(features: try features(data.test, 2000), dimension: d)
        var fidByN: [Int: Double] = [:]
        for n in [250, 500, 2000] {
            let train = try FeatureStatistics(features: try features(data.train, n), dimension: d)
            fidByN[n] = try frechetDistance(train, test)
        }
        var stream = RandomStream(seed: 3)
        let noise = (0..<(2000 * 784)).map { _ in stream.nextUniform() * 2 - 1 }
        let noiseFID = try frechetDistance(
            FeatureStatistics(features: classifier.features(images: noise, count: 2000, side: 28), dimension: d), test)

        print("FID (FMNIST-CNN) train vs test (2000 test): n=250 \(fidByN[250]!), n=500 \(fidByN[500]!), "
              + "n=2000 \(fidByN[2000]!); uniform noise n=2000: \(noiseFID)")
        XCTAssertGreaterThan(fidByN[250]!, fidByN[500]!, "FID must fall as N grows (bias ~ 1/N)")
        XCTAssertGreaterThan(fidByN[500]!, fidByN[2000]!, "FID must fall as N grows (bias ~ 1/N)")
        XCTAssertGreaterThan(noiseFID, 20 * fidByN[2000]!, "noise must score far above real data")
    }
}
