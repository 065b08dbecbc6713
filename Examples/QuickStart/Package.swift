// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "QuickStart",
    dependencies: [
        .package(name: "Pincel", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [.product(name: "Pincel", package: "Pincel")]
        ),
    ]
)
