/// Name tables for the demo district. Built once; picking a name is an array lookup.
enum DemoNames {
    /// The commonest surnames with rough per-mille shares (2020 census order).
    static let surnameWeights: [(String, Int)] = [
        ("王", 71), ("李", 70), ("张", 66), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
        ("吴", 19), ("周", 19), ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 13), ("郭", 11),
        ("何", 11), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7),
        ("唐", 7), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5),
        ("肖", 5), ("田", 5), ("董", 5), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 4),
        ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
        ("任", 4), ("沈", 4), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
        ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3),
        ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3),
        ("邱", 3), ("江", 3), ("尹", 2), ("薛", 2), ("闫", 2), ("段", 2), ("雷", 2), ("侯", 2),
        ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2),
        ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("覃", 2), ("武", 2), ("戴", 2),
        ("莫", 2), ("孔", 2), ("向", 2), ("汤", 2),
    ]

    /// Each surname repeated by its weight, so a uniform index is a weighted pick.
    static let surnameTable: [String] = surnameWeights.flatMap { Array(repeating: $0.0, count: $0.1) }

    static let maleGiven: [String] = Array(
        "伟强磊军勇杰涛明超斌鹏辉华平刚建国峰浩宇轩博文俊海波亮林东志洋晨子睿泽天一嘉鑫凯健成飞龙振兵庆德福祥永金春生新家铭航翔宏毅远清山立松祖昊然晓"
    ).map(String.init)
    static let femaleGiven: [String] = Array(
        "芳娜敏静丽艳娟霞秀英玲婷雪慧颖琳佳欣怡萱梓涵雨晶燕红梅兰凤洁倩月悦思可诗彤蕾薇淑桂珍莉露瑶晓春文秋丹萍岚蓉琴慧婉宁"
    ).map(String.init)

    /// Transliterated names for overseas residents (境外人员).
    static let foreignMale = ["约翰·史密斯", "大卫·布朗", "金民俊", "佐藤健", "阮文雄", "彼得·施密特", "安德烈·伊万诺夫", "马克·威尔逊"]
    static let foreignFemale = ["玛丽·约翰逊", "安娜·彼得罗娃", "朴智妍", "田中美咲", "阮氏兰", "萨拉·米勒", "艾玛·怀特", "索菲·马丁"]

    static let streetStems = [
        "东湖", "西城", "南苑", "北辰", "朝阳", "建设", "和平", "光明", "新华", "人民", "长安", "解放",
        "文化", "胜利", "青年", "育才", "龙山", "凤凰", "锦江", "金桥", "滨河", "玉泉", "春华", "秋实",
        "望京", "双桥", "五里", "河西", "兴隆", "永安", "安贞", "太平", "天宁", "清河", "中山", "振兴",
    ]
    static let townStems = ["石门", "杨庄", "柳林", "高桥", "马坊", "北务", "龙湾", "赵全营", "李桥", "南彩", "木林", "大孙各庄"]

    static let communityStems = [
        "幸福", "阳光", "锦绣", "和谐", "康乐", "安居", "翠竹", "桃源", "丽景", "书香", "枫林", "紫荆",
        "玉兰", "春晓", "明珠", "世纪", "怡景", "龙湖", "金色", "华庭", "碧水", "嘉园", "育新", "福源",
        "永乐", "惠民", "望湖", "清风", "东升", "西苑", "南湖", "北苑", "长青", "百合", "朝晖", "馨园",
    ]
    static let communitySuffixes = ["里", "苑", "园", "家园", "花园", "新村", "小区", "东里", "西里", "北里"]
    static let villagePrefixes = ["东", "西", "南", "北", "前", "后", "大", "小", "王", "李", "张", "刘", "杨", "马", "高", "柳", "桃", "河"]
    static let villageSuffixes = ["辛庄", "各庄", "营", "屯", "店", "寨", "峪", "沟", "坞", "庄"]

    static let roadStems = [
        "幸福", "建设", "和平", "民主", "复兴", "光华", "振华", "朝阳", "文昌", "育英", "长虹", "金水",
        "银河", "富强", "团结", "友谊", "兴业", "顺安", "通惠", "华严", "安立", "花园", "北环", "南环",
        "府前", "学院", "体育", "青年", "工农", "红旗", "五一", "新民", "迎宾", "滨河", "龙腾", "锦华",
    ]
    static let roadSuffixes = ["路", "街", "大街", "西路", "东路", "北街"]

    static let shopBrands = [
        "鑫源", "惠民", "福满", "好邻居", "百姓", "金旺", "四季", "阳光", "老街坊", "家和", "万福", "兴旺",
        "便民", "顺心", "永盛", "聚福",
    ]
    static let shopTypes = [
        "便利店", "超市", "面馆", "大药房", "理发店", "水果店", "五金店", "洗衣店", "早餐店", "烟酒店",
        "家常菜馆", "快递驿站", "蔬菜店", "母婴店", "眼镜店", "干洗店",
    ]
    static let propertyBrands = ["鑫诚", "安泰", "盛世", "恒信", "嘉和", "首创", "绿城", "万家", "宜居", "康达"]
    static let publicKinds = ["社区服务站", "社区卫生服务站", "幼儿园", "老年驿站", "警务室", "便民菜市场", "文化活动室"]
    static let socialKinds = ["居家养老服务中心", "志愿者协会", "文体协会", "邻里互助会", "社工服务站", "调解委员会"]

    /// Real county codes of other provinces, the birthplaces of floating residents.
    static let floatingRegions = [
        "130102", "410102", "510104", "340102", "430102", "370102", "420102", "320102",
        "610102", "230102", "220102", "210102", "140105", "360102", "350102", "440103",
        "500103", "520102", "530102", "620102", "130203", "410302", "130602", "411102",
    ]

    /// Mobile prefixes of the three carriers; every one is 1[3-9]x.
    static let mobilePrefixes = [
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
        "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181",
        "182", "183", "185", "186", "187", "188", "189", "198", "199",
    ]

    static func surname(_ rng: inout DemoRNG) -> String {
        surnameTable[rng.int(below: surnameTable.count)]
    }

    /// One given-name character in six, as in the statistics of names since the 1980s.
    static func given(_ sex: ResidentID.Sex, _ rng: inout DemoRNG) -> String {
        let chars = sex == .male ? maleGiven : femaleGiven
        let first = chars[rng.int(below: chars.count)]
        return rng.int(below: 6) == 0 ? first : first + chars[rng.int(below: chars.count)]
    }

    static func person(_ sex: ResidentID.Sex, _ rng: inout DemoRNG) -> String {
        surname(&rng) + given(sex, &rng)
    }

    static func mobile(_ rng: inout DemoRNG) -> String {
        mobilePrefixes[rng.int(below: mobilePrefixes.count)] + DemoText.digits(rng.int(below: 100_000_000), width: 8)
    }

    /// The `index`-th of a shuffled list of distinct names built from `stems` × `suffixes`.
    /// Past the end the list repeats with an ordinal ("幸福里二"), which keeps names unique.
    static func distinctNames(_ count: Int, stems: [String], suffixes: [String], rng: inout DemoRNG) -> [String] {
        var all = stems.flatMap { stem in suffixes.map { stem + $0 } }
        rng.shuffle(&all)
        return (0..<count).map { i in
            let round = i / all.count
            return all[i % all.count] + (round == 0 ? "" : chineseNumber(round + 1))
        }
    }

    static func chineseNumber(_ n: Int) -> String {
        let d = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        switch n {
        case 0..<10: return d[n]
        case 10..<20: return "十" + (n == 10 ? "" : d[n - 10])
        case 20..<100: return d[n / 10] + "十" + (n % 10 == 0 ? "" : d[n % 10])
        default: return "\(n)"
        }
    }
}
