import Foundation
import GAN
import XCTest

final class TrainingConfigTests: XCTestCase {
    func testUnknownKeyIsRejectedByName() {
        let json = Data(#"{"variant": "l2", "epoch": 3}"#.utf8)
        XCTAssertThrowsError(try TrainingConfig.decode(json, label: "cfg.json")) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'epoch'"), "\(error)")
        }
    }

    func testBadValuesAreRejectedByName() {
        let cases = [(#"{"variant": "spectral"}"#, "variant"), (#"{"epochs": 0}"#, "epochs"),
                     (#"{"learning_rate": -1}"#, "learning_rate"), (#"{"image_size": 32}"#, "image_size"),
                     (#"{"batch_size": "64"}"#, "batch_size")]
        for (json, field) in cases {
            XCTAssertThrowsError(try TrainingConfig.decode(Data(json.utf8), label: "cfg.json"), json) { error in
                XCTAssertTrue("\(error)".contains(field), "\(error) should name \(field)")
            }
        }
    }

    func testSavedConfigReadsBackEqual() throws {
        var config = TrainingConfig()
        config.variant = "reference-dropout"
        config.subset = 5000
        config.seed = 42
        config.batchNormWeightDecay = false
        XCTAssertEqual(try TrainingConfig.decode(config.encoded(), label: "saved"), config)
    }

    /// Decay covers batch norm unless the config says otherwise; the key takes only booleans.
    func testBatchNormWeightDecayKey() throws {
        XCTAssertTrue(try TrainingConfig.decode(Data("{}".utf8), label: "cfg").batchNormWeightDecay)
        let off = try TrainingConfig.decode(Data(#"{"batchnorm_weight_decay": false}"#.utf8), label: "cfg")
        XCTAssertFalse(off.batchNormWeightDecay)
        XCTAssertThrowsError(try TrainingConfig.decode(Data(#"{"batchnorm_weight_decay": "no"}"#.utf8), label: "cfg")) {
            XCTAssertTrue("\($0)".contains("batchnorm_weight_decay"), "\($0)")
        }
    }

    func testPresetsFollowTheirDefinitions() {
        let baseline = Variant.named("baseline")!
        XCTAssertFalse(baseline.generator.batchNorm || baseline.discriminator.batchNorm)
        XCTAssertEqual(Variant.named("l2")!.discriminator.weightDecay, 0.01)
        XCTAssertEqual(Variant.named("dropout")!.generator.dropout, 0.3)
        XCTAssertTrue(Variant.named("batchnorm")!.generator.batchNorm)
        let reference = Variant.named("reference-dropout")!
        XCTAssertEqual(reference.discriminator.dropoutPlacement, .firstTwo)
        XCTAssertEqual(reference.generator.dropout, 0, "the reference code has no dropout in G")
        XCTAssertFalse(Variant.named("reference-no-batchnorm-d")!.discriminator.batchNorm)
        XCTAssertTrue(Variant.referenceCode.allSatisfy { $0.initialization == .pytorchDefault })
    }
}
