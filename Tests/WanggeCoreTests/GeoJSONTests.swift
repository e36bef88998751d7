import Foundation
import Testing
@testable import WanggeCore

@Suite struct GeoJSONTests {
    func parse(_ s: String) throws(GeoJSONProblem) -> [GeoFeature] { try GeoJSON.parse(Data(s.utf8)) }

    func problem(_ s: String) -> GeoJSONProblem? {
        do { _ = try parse(s); return nil } catch { return error }
    }

    let square = "[[[116.40,39.90],[116.41,39.90],[116.41,39.91],[116.40,39.91],[116.40,39.90]]]"

    @Test func featureCollection() throws {
        let json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":7,"properties":{"name":"网格一","code":"110105001002003","households":412,
                "share":0.25,"active":true,"note":null,"tags":["a",1]},
               "geometry":{"type":"Polygon","coordinates":\(square)}},
              {"type":"Feature","properties":{"name":"站"},"geometry":{"type":"Point","coordinates":[116.405,39.905,43.5]}},
              {"type":"Feature","properties":null,"geometry":null}
            ]}
            """
        let f = try parse(json)
        #expect(f.count == 3)
        #expect(
            f[0].properties == [
                "name": "网格一", "code": "110105001002003", "households": "412",
                "share": "0.25", "active": "true", "tags": #"["a",1]"#,
            ])
        #expect(f[0].id == "7")
        #expect(f[0].area?.polygons.first?.rings.first?.count == 5)
        #expect(f[0].area?.contains(GeoPoint(lon: 116.405, lat: 39.905)) == true)
        #expect(f[1].point == GeoPoint(lon: 116.405, lat: 39.905))
        #expect(f[1].area == nil)
        #expect(f[2] == GeoFeature(number: 3))
        #expect(f.map(\.number) == [1, 2, 3])
    }

    @Test func numbersKeepTheirDigits() throws {
        let f = try parse(#"{"type":"Feature","properties":{"id":110105001002003456,"x":1.50,"e":1e3},"geometry":null}"#)
        #expect(f[0].properties == ["id": "110105001002003456", "x": "1.50", "e": "1e3"])
    }

    @Test func bareGeometries() throws {
        #expect(try parse(#"{"type":"Polygon","coordinates":\#(square)}"#)[0].area?.polygons.count == 1)
        let multi = try parse(#"{"type":"MultiPolygon","coordinates":[\#(square),[[[0,0],[1,0],[1,1],[0,0]]]]}"#)
        #expect(multi[0].area?.polygons.count == 2)
        #expect(try parse(#"{"type":"Point","coordinates":[1.5,-2]}"#)[0].point == GeoPoint(lon: 1.5, lat: -2))
        #expect(try parse("\u{FEFF}" + #"{"type":"Point","coordinates":[1,2]}"#).count == 1)
    }

    @Test func polygonWithHole() throws {
        let json = #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,3],[3,3],[3,1],[1,1]]]}"#
        let area = try #require(try parse(json)[0].area)
        #expect(area.contains(GeoPoint(lon: 0.5, lat: 0.5)))
        #expect(!area.contains(GeoPoint(lon: 2, lat: 2)))
    }

    @Test func notJSON() {
        #expect(problem("") == .notJSON(line: 1))
        #expect(problem("{\n\"type\": \"Feature\",\n oops}") == .notJSON(line: 3))
        #expect(problem(#"{"type":"Point","coordinates":[1,2]} extra"#) == .notJSON(line: 1))
        #expect(problem(#"{"a":01}"#) == .notJSON(line: 1))
        #expect(problem(#"{"a":"\x"}"#) == .notJSON(line: 1))
        #expect(problem(String(repeating: "[", count: 1000)) == .notJSON(line: 1))
        #expect(problem("[1,]") == .notJSON(line: 1))
        #expect(problem(#"{"a":1,}"#) == .notJSON(line: 1))
        #expect(problem("{\"a\":\"line\nbreak\"}") == .notJSON(line: 1), "raw control characters inside strings")
        #expect(problem("{}") == .unknownType(feature: 1, type: ""))
        #expect(problem(#"{"type":"FeatureCollection","features":[ ]}"#) == .emptyCollection)
    }

    @Test func structuralProblems() {
        #expect(problem("[1,2]") == .notAnObject(feature: 1))
        #expect(problem(#"{"type":"FeatureCollection","features":[]}"#) == .emptyCollection)
        #expect(problem(#"{"type":"FeatureCollection"}"#) == .missingMember(feature: 0, name: "features"))
        #expect(problem(#"{"type":"Topology"}"#) == .unknownType(feature: 1, type: "Topology"))
        #expect(problem(#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#) == .unknownType(feature: 1, type: "LineString"))
        #expect(problem(#"{"type":"Polygon"}"#) == .missingMember(feature: 1, name: "coordinates"))
    }

    @Test func problemsNameTheFeature() {
        let ok = #"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}"#
        func collection(_ bad: String) -> String { #"{"type":"FeatureCollection","features":[\#(ok),\#(ok),\#(bad)]}"# }
        func geometry(_ type: String, _ coords: String) -> String {
            #"{"type":"Feature","properties":{},"geometry":{"type":"\#(type)","coordinates":\#(coords)}}"#
        }
        #expect(problem(collection(#"{"type":"Fature"}"#)) == .unknownType(feature: 3, type: "Fature"))
        #expect(problem(collection("3")) == .notAnObject(feature: 3))
        #expect(problem(collection(geometry("Polygon", "[[[0,0],[1,0],[1,1],[0,1]]]"))) == .ringNotClosed(feature: 3, polygon: 1, ring: 1))
        #expect(problem(collection(geometry("Polygon", "[[[0,0],[1,0],[0,0]]]"))) == .ringTooShort(feature: 3, polygon: 1, ring: 1, positions: 3))
        #expect(
            problem(collection(geometry("MultiPolygon", "[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,0],[1,1],[0,1]]]]")))
                == .ringNotClosed(feature: 3, polygon: 2, ring: 2))
        #expect(problem(collection(geometry("Point", "[200,10]"))) == .coordinateOutOfRange(feature: 3, lon: "200", lat: "10"))
        #expect(problem(collection(geometry("Point", "[10,-90.5]"))) == .coordinateOutOfRange(feature: 3, lon: "10", lat: "-90.5"))
        #expect(problem(collection(geometry("Point", #"["116","39"]"#))) == .badCoordinates(feature: 3))
        #expect(problem(collection(geometry("Point", "[116]"))) == .badCoordinates(feature: 3))
        #expect(problem(collection(geometry("Polygon", "[]"))) == .badCoordinates(feature: 3))
        #expect(problem(collection(geometry("Polygon", "[[1,2]]"))) == .badCoordinates(feature: 3))
    }

    @Test func reportListsEveryBadFeature() {
        let json = #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},3,{"type":"Feature","geometry":{"type":"Point","coordinates":[1,95]}}]}"#
        let r = GeoJSON.parseReport(Data(json.utf8))
        #expect(r.features.count == 1)
        #expect(r.problems == [.notAnObject(feature: 2), .coordinateOutOfRange(feature: 3, lon: "1", lat: "95")])
        #expect(r.problems.map(\.feature) == [2, 3])
        #expect(r.problems[1].message() == "第 3 个要素的坐标超出范围：经度 1，纬度 95")
    }

    @Test func writeAndReadBack() throws {
        let hole: [GeoPoint] = [GeoPoint(lon: 1, lat: 1), GeoPoint(lon: 3, lat: 1), GeoPoint(lon: 3, lat: 3), GeoPoint(lon: 1, lat: 3)]
        let outerCW = [GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 0, lat: 4), GeoPoint(lon: 4, lat: 4), GeoPoint(lon: 4, lat: 0)]
        let framed = GeoArea(GeoPolygon(rings: [outerCW, hole]))
        let text = GeoJSON.geometry(framed)
        #expect(text.hasPrefix(#"{"type":"Polygon","coordinates":[[[0.0,0.0],[4.0,0.0],[4.0,4.0],[0.0,4.0],[0.0,0.0]],[[1.0,1.0],[1.0,3.0]"#))
        let back = try #require(try parse(text)[0].area)
        #expect(abs(back.area - framed.area) < 1e-6)
        #expect(!back.contains(GeoPoint(lon: 2, lat: 2)))

        let two = GeoArea(polygons: [Shapes.box(116.40, 39.90, 116.41, 39.91), Shapes.box(116.5, 39.9, 116.6, 39.95)])
        #expect(GeoJSON.geometry(two).hasPrefix(#"{"type":"MultiPolygon","coordinates":[[[[116.4,39.9]"#))
        let fc = GeoJSON.featureCollection([
            (properties: ["name": "第\"一\"网格\n", "code": "110105001002003"], area: two),
            (properties: [:], area: framed),
        ])
        let features = try parse(fc)
        #expect(features.count == 2)
        #expect(features[0].properties == ["name": "第\"一\"网格\n", "code": "110105001002003"])
        #expect(features[0].area == GeoArea(polygons: two.polygons))
        #expect(fc.contains(#"{"code":"110105001002003","name":"第\"一\"网格\n"}"#))
    }

    @Test func stringEscapes() throws {
        let f = try parse(#"{"type":"Feature","properties":{"a":"\u5f20\u4e09","b":"\ud83d\ude00","c":"\/\t\"\\"},"geometry":null}"#)
        #expect(f[0].properties == ["a": "张三", "b": "😀", "c": "/\t\"\\"])
        #expect(JSONValue.quote("a\u{1}b") == #""a\u0001b""#)
    }
}
