extension L10n {
    static let coreStrings: [String: (zh: String, en: String)] = [
        "level.district": ("区/县", "District/county"),
        "level.street": ("街道/乡镇", "Street/town"),
        "level.community": ("社区/村", "Community/village"),
        "level.grid": ("网格", "Grid"),
        "level.zone": ("片区", "Zone"),
        "level.estate": ("小区", "Estate"),
        "level.block": ("楼栋", "Building block"),
        "level.entrance": ("单元", "Entrance"),

        // Unit codes (Grid/UnitCode.swift)
        "code.empty": ("编码不能为空", "The code is empty"),
        "code.notDigits": ("编码“{0}”只能由数字组成", "Code \"{0}\" may contain digits only"),
        "code.wrongLength": ("{0}编码应为 {1} 位，实际为 {2} 位", "A {0} code has {1} digits, this one has {2}"),
        "code.badProvince": ("编码“{0}”的前两位不是有效的省级代码（GB/T 2260）", "Code \"{0}\" does not start with a province code (GB/T 2260)"),
        "code.notCounty": ("“{0}”不是县级行政区划代码（末两位不能为 00）", "\"{0}\" is not a county-level code (it may not end in 00)"),
        "code.outOfRange": ("{0}段“{1}”超出范围 {2}–{3}", "The {0} part \"{1}\" is outside {2}–{3}"),
        "code.notUnderParent": ("编码“{0}”不是上级编码“{1}”的下一级", "Code \"{0}\" does not extend its parent's code \"{1}\""),
        "code.districtHasParent": ("区/县是最高层级，不能有上级", "A district is the top level and has no parent"),
        "code.notUnderGrid": ("编码“{0}”应以 15 位网格编码开头", "Code \"{0}\" must start with a 15-digit grid code"),
        "code.wrongSuffixCount": ("{0}编码在网格编码后应有 1 至层级数个“-序号”，实际有 {1} 个", "A {0} code has the wrong number of \"-sequence\" parts after the grid code ({1})"),
        "code.badSuffix": ("序号“{0}”应为至少两位数字且不为零", "Sequence \"{0}\" must be two or more digits and not zero"),
        "code.streetKind.subdistrict": ("街道", "Subdistrict"),
        "code.streetKind.town": ("镇", "Town"),
        "code.streetKind.township": ("乡", "Township"),

        // Tree rules (Grid/TreeRules.swift)
        "tree.rootNotDistrict": ("{0}不能作为最高层级，最高层级必须是区/县", "A {0} cannot be at the top; the top level is the district"),
        "tree.wrongLevel": ("{0}不能放在{1}之下", "A {0} cannot be placed under a {1}"),
        "tree.moveUnderItself": ("不能把单元移到它自己之下", "A unit cannot be moved under itself"),
        "tree.cycle": ("不能把单元移到它自己的下级之下", "A unit cannot be moved under one of its own descendants"),
        "tree.mergeLevelMismatch": ("只能合并同一层级的单元（{0}与{1}不同级）", "Only units of the same level can be merged ({0} and {1} differ)"),
        "tree.mergeAcrossParents": ("只能合并同一上级下的单元，请先移动再合并", "Only units under the same parent can be merged; move one first"),

        // GeoJSON (Geo/GeoJSON.swift)
        "geo.notJSON": ("文件不是有效的 JSON（第 {0} 行附近出错）", "The file is not valid JSON (error near line {0})"),
        "geo.notAnObject": ("第 {0} 个要素不是 JSON 对象", "Feature {0} is not a JSON object"),
        "geo.collectionMissingMember": ("要素集合缺少“{0}”成员", "The feature collection has no \"{0}\" member"),
        "geo.missingMember": ("第 {0} 个要素缺少“{1}”成员", "Feature {0} has no \"{1}\" member"),
        "geo.unknownType": ("第 {0} 个要素的类型“{1}”不受支持（只支持 Polygon、MultiPolygon、Point）", "Feature {0} has unsupported type \"{1}\" (only Polygon, MultiPolygon and Point)"),
        "geo.emptyCollection": ("要素集合是空的", "The feature collection is empty"),
        "geo.badCoordinates": ("第 {0} 个要素的坐标格式不对，应为 [经度, 纬度] 数字", "Feature {0} has malformed coordinates; expected [longitude, latitude] numbers"),
        "geo.coordinateOutOfRange": ("第 {0} 个要素的坐标超出范围：经度 {1}，纬度 {2}", "Feature {0} has a coordinate out of range: longitude {1}, latitude {2}"),
        "geo.ringNotClosed": ("第 {0} 个要素第 {1} 个多边形的第 {2} 个环未闭合（首尾点须相同）", "Feature {0}, polygon {1}, ring {2} is not closed (first and last positions must match)"),
        "geo.ringSelfIntersects": ("第 {0} 个要素第 {1} 个多边形的第 {2} 个环与自身交叉（在经度 {3}、纬度 {4} 附近），边界不能画成“8”字形", "Feature {0}, polygon {1}, ring {2} crosses itself (near lon {3}, lat {4}); a boundary cannot be drawn as a figure of eight"),
        "geo.ringTooShort": ("第 {0} 个要素第 {1} 个多边形的第 {2} 个环只有 {3} 个点，至少需要 4 个", "Feature {0}, polygon {1}, ring {2} has {3} positions; at least 4 are needed"),

        // CSV (Text/CSV.swift)
        "csv.unterminatedQuote": ("第 {0} 行第 {1} 列的引号没有结束", "The quote opened on line {0}, field {1} is never closed"),
        "csv.strayQuote": ("第 {0} 行第 {1} 列有多余的引号", "Stray quote on line {0}, field {1}"),

        // Text encodings (Text/TextDecoding.swift)
        "text.undecodable": (
            "无法识别文件编码：第 {0} 行（字节位置 {1}，值 {2}）无法读取。请在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”后重新上传", "Cannot read the file's encoding: line {0} (byte {1}, value {2}) is invalid. In Excel choose Save As → \"CSV UTF-8 (Comma delimited)\" and upload again"
        ),
        "text.mixed_encodings": (
            "文件编码不一致:第 {0} 行是 GBK(GB18030),第 {1} 行却是 UTF-8,按任何一种读都会有乱码。请在 Excel 中全部另存为“CSV UTF-8(逗号分隔)”后重新上传",
            "The file mixes encodings: line {0} is GBK (GB18030) but line {1} is UTF-8, so part of it is garbled whichever way it is read. Save it all as \"CSV UTF-8 (Comma delimited)\" in Excel and upload again"
        ),
        "text.workbookNotCSV": ("这是 Excel 工作簿（.xlsx），不是 CSV。请在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”后重新上传", "This is an Excel workbook (.xlsx), not CSV. In Excel choose Save As → \"CSV UTF-8 (Comma delimited)\" and upload again"),
        "text.encoding.utf8": ("UTF-8", "UTF-8"),
        "text.encoding.utf8BOM": ("UTF-8（带 BOM）", "UTF-8 with BOM"),
        "text.encoding.utf16LE": ("UTF-16 LE", "UTF-16 LE"),
        "text.encoding.utf16BE": ("UTF-16 BE", "UTF-16 BE"),
        "text.encoding.gb18030": ("GB18030/GBK", "GB18030/GBK"),

        // Phones (People/Phone.swift)
        "phone.empty": ("电话号码为空", "The phone number is empty"),
        "phone.invalidCharacter": ("电话号码中有无效字符“{0}”", "The phone number contains an invalid character \"{0}\""),
        "phone.wrongMobileLength": ("手机号应为 11 位，实际为 {0} 位", "A mobile number has 11 digits, this one has {0}"),
        "phone.notMobilePrefix": ("“{0}”不是有效的手机号段", "\"{0}\" is not a mobile number prefix"),
        "phone.badAreaCode": ("区号“{0}”无效", "Area code \"{0}\" is not valid"),
        "phone.wrongLandlineLength": ("固定电话号码（不含区号）应为 7 或 8 位，实际为 {0} 位", "A landline number without area code has 7 or 8 digits, this one has {0}"),
        "phone.badSubscriberNumber": ("固定电话号码“{0}”不能以 0 开头", "Landline number \"{0}\" cannot start with 0"),
        "phone.missingAreaCode": ("固定电话请加区号，例如 010-12345678", "Add the area code to a landline, e.g. 010-12345678"),
        "phone.unknownFormat": ("无法识别的电话号码格式", "Unrecognised phone number format"),
    ]
}

extension L10n {
    static let roleStrings: [String: (zh: String, en: String)] = [
        "role.resident": ("居民", "Resident"),
        "role.grid_worker": ("网格员", "Grid worker"),
        "role.proxy_agent": ("代办员", "Proxy agent"),
        "role.operator": ("受理员/派遣员", "Operator/dispatcher"),
        "role.department": ("职能部门", "Department"),
        "role.leader": ("领导", "Leader"),
        "role.sys_admin": ("系统管理员", "System administrator"),
        "role.security_admin": ("安全管理员", "Security administrator"),
        "role.auditor": ("审计员", "Auditor"),
    ]
}
