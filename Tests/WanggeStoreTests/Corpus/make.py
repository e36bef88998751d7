#!/usr/bin/env python3
"""Writes the import corpus: CSV files as Excel and the offices' other tools leave them, one
quirk each, kept in the repository so the tests read real bytes (ImportCorpusTests names what each
must do). Run again only to change the corpus; the files are committed.

What each file imitates:
- Excel on Chinese Windows, "CSV (逗号分隔)": GBK (code page 936), no BOM, CRLF line ends; a cell
  Excel formats as a number loses digits past the 15th and may be written as 1.10105E+17.
- Excel, "CSV UTF-8": UTF-8 with a BOM, CRLF.
- WPS and LibreOffice: UTF-8 without BOM, LF.
- A name with a character outside GBK (𠀀, U+20000), which GB18030 writes in four bytes.
- Typed by hand: a leading apostrophe ('11010…, Excel's "keep as text"), full-width digits from a
  Chinese input method, a 15-digit ID number from before 1999.
- Pasted together: a GBK header over a UTF-8 body.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
HOUSEHOLD = "1101990010010010001"  # the first household of the test district
HEADER = "姓名,身份证号,联系电话,户号,与户主关系,居住类型,标签"
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def ident(seq, birth="19850315", region="320102"):
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, W)) % 11]


def write(name, lines, encoding="gbk", newline="\r\n", bom=b""):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(bom + newline.join(lines).encode(encoding) + newline.encode(encoding))


def row(name, seq, phone="13812345678", relation="子女", extra=""):
    return f"{name},{ident(seq)},{phone},{HOUSEHOLD},{relation},户籍,{extra}"


write("excel-gbk-crlf.csv", [HEADER, row("张三", 101), row("李四", 102), row("王五", 103)])
write("excel-utf8-bom.csv", [HEADER, row("赵六", 111), row("钱七", 112)], encoding="utf-8", bom=b"\xef\xbb\xbf")
write("wps-utf8-lf.csv", [HEADER, row("孙八", 121)], encoding="utf-8", newline="\n")
write("gb18030-four-byte.csv", [HEADER, row("王𠀀", 131), row("李㐀", 132)], encoding="gb18030")
write("excel-scientific.csv", [HEADER, row("周九", 141), "吴十,3.20102E+17,13812345678," + HOUSEHOLD + ",子女,户籍,"])
write("excel-truncated.csv", [HEADER, row("郑一", 151), "冯二,320102198503151000,13812345678," + HOUSEHOLD + ",子女,户籍,"])
write(
    "typed-apostrophe-fullwidth-id15.csv",
    [
        HEADER,
        f"陈三,'{ident(161)},13812345678,{HOUSEHOLD},子女,户籍,",
        f"褚四,{ident(162)},１３９１２３４５６７８,{HOUSEHOLD},子女,户籍,",
        f"卫五,320102850315163,13812345678,{HOUSEHOLD},子女,户籍,",
    ],
)
# A GBK header line, then UTF-8 rows (as when a header typed in Excel is pasted over an exported body).
with open(os.path.join(HERE, "pasted-gbk-header-utf8-body.csv"), "wb") as f:
    f.write((HEADER + "\r\n").encode("gbk") + (row("蒋六", 171) + "\r\n" + row("沈七", 172) + "\r\n").encode("utf-8"))
write("partial-columns.csv", ["姓名,身份证号,户号", f"韩八,{ident(181)},{HOUSEHOLD}", f"杨九,{ident(182)},{HOUSEHOLD}"])
write("duplicate-header.csv", ["姓名,身份证号,联系电话,户号,联系电话", f"朱十,{ident(191)},13812345678,{HOUSEHOLD},13912345678"])
# An address with a line break inside quotes (Alt+Enter in Excel), then a row with a bad phone:
# Excel shows that row as row 4, while the file has it on line 5.
write(
    "embedded-newline.csv",
    [HEADER, f'"秦一",{ident(201)},13812345678,{HOUSEHOLD},子女,户籍,"60岁以上老人\n退休人员"', row("尤二", 202), row("许三", 203, phone="12345")],
)
