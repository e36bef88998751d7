import Foundation
import WanggeCore
import ZIPFoundation

/// A table as it is downloaded: a name (the sheet's and the file's), its headers, and rows of
/// cells that are text or numbers. The same table is written as CSV and as a sheet of a workbook.
struct ExportTable: Sendable, Equatable {
    enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        /// No value (a rate with nothing to divide by): an empty cell, not 0.
        case empty

        static func int(_ n: Int) -> Cell { .number(Double(n)) }
        /// A figure rounded to one decimal exactly as the pages show it (`MeasureValue.display`).
        static func value(_ v: Double?) -> Cell { v.map { .number(Double(FixedDecimal.format($0, places: 1)) ?? $0) } ?? .empty }

        var csv: String {
            switch self {
            case .text(let s): s
            case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
            case .empty: ""
            }
        }
    }

    var name: String
    var headers: [String]
    var rows: [[Cell]]

    /// The table as CSV, UTF-8 with BOM (Excel opens it as it is), with the repo's cell protection.
    var csv: Data {
        var writer = CSVWriter(header: headers)
        for row in rows { writer.append(row.map(\.csv)) }
        return writer.data
    }
}

/// Writes tables as an XLSX workbook (Office Open XML, SpreadsheetML), one sheet per table: the
/// smallest set of parts Excel, LibreOffice and openpyxl read — content types, the package and
/// workbook relations, the workbook, a style sheet with the header row in bold, and the sheets.
/// Numbers are numeric cells, text is inline strings; everything is XML-escaped.
enum XLSXWriter {
    static let mimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func workbook(_ tables: [ExportTable]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        var names: [String] = []
        for t in tables { names.append(sheetName(t.name, taken: names)) }
        let parts: [(String, String)] =
            [
                ("[Content_Types].xml", contentTypes(count: tables.count)),
                ("_rels/.rels", packageRels),
                ("xl/workbook.xml", workbookXML(names)),
                ("xl/_rels/workbook.xml.rels", workbookRels(count: tables.count)),
                ("xl/styles.xml", styles),
            ] + tables.enumerated().map { i, t in ("xl/worksheets/sheet\(i + 1).xml", sheet(t)) }
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: Date(timeIntervalSince1970: 1_577_836_800),
                compressionMethod: .deflate
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }
        guard let data = archive.data else { throw XLSXError.notWritten }
        return data
    }

    enum XLSXError: Error { case notWritten }

    static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func contentTypes(count: Int) -> String {
        let sheets = (1...max(count, 1)).prefix(count).map {
            #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        return header
            + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + sheets.joined() + "</Types>"
    }

    static let packageRels =
        header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        + #"<Relationship Id="rId1" Type="\#(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    static func workbookXML(_ names: [String]) -> String {
        let sheets = names.enumerated().map { i, name in #"<sheet name="\#(escape(name))" sheetId="\#(i + 1)" r:id="rId\#(i + 1)"/>"# }
        return header + #"<workbook xmlns="\#(main)" xmlns:r="\#(rel)"><sheets>"# + sheets.joined() + "</sheets></workbook>"
    }

    static func workbookRels(count: Int) -> String {
        var rels = (0..<count).map { i in #"<Relationship Id="rId\#(i + 1)" Type="\#(rel)/worksheet" Target="worksheets/sheet\#(i + 1).xml"/>"# }
        rels.append(#"<Relationship Id="rId\#(count + 1)" Type="\#(rel)/styles" Target="styles.xml"/>"#)
        return header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"# + rels.joined() + "</Relationships>"
    }

    /// Two cell formats: 0 plain, 1 bold (the header row).
    static let styles =
        header + #"<styleSheet xmlns="\#(main)">"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#

    static func sheet(_ t: ExportTable) -> String {
        var xml = header + #"<worksheet xmlns="\#(main)"><sheetData>"#
        let rows = [t.headers.map(ExportTable.Cell.text)] + t.rows
        for (r, row) in rows.enumerated() {
            xml += #"<row r="\#(r + 1)">"#
            for (c, cell) in row.enumerated() {
                let ref = column(c) + String(r + 1)
                let style = r == 0 ? #" s="1""# : ""
                switch cell {
                case .text(let s): xml += #"<c r="\#(ref)"\#(style) t="inlineStr"><is><t xml:space="preserve">\#(escape(s))</t></is></c>"#
                case .number(let d): xml += #"<c r="\#(ref)"\#(style)><v>\#(number(d))</v></c>"#
                case .empty: break
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    /// The column's letters: 0 → A, 25 → Z, 26 → AA.
    static func column(_ index: Int) -> String {
        var n = index + 1, letters = ""
        while n > 0 {
            let r = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + r))) + letters
            n = (n - 1) / 26
        }
        return letters
    }

    /// Text as XML character data or an attribute value (the Open311 writer's escaping: the five
    /// specials, and characters XML 1.0 cannot hold dropped).
    static func escape(_ s: String) -> String { Open311Document.escape(s) }

    /// A sheet name Excel accepts: none of []:*?/\, at most 31 characters, not blank, not already taken
    /// (a repeat gets " (2)", compared without case as Excel does).
    static func sheetName(_ raw: String, taken: [String]) -> String {
        let cleaned = String(raw.map { "[]:*?/\\".contains($0) ? " " : $0 }).trimmingCharacters(in: .whitespaces)
        let base = String((cleaned.isEmpty ? "Sheet" : cleaned).prefix(31))
        let used = Set(taken.map { $0.lowercased() })
        var name = base, n = 2
        while used.contains(name.lowercased()) {
            let suffix = " (\(n))"
            name = String(base.prefix(31 - suffix.count)) + suffix
            n += 1
        }
        return name
    }
}
