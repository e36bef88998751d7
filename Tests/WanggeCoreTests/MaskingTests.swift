import Testing
@testable import WanggeCore

@Suite struct MaskingTests {
    @Test func idNumbers() {
        #expect(Mask.idNumber("11010519491231002X") == "110***********002X")
        #expect(Mask.idNumber(" 11010519491231002X ") == "110***********002X")
        #expect(Mask.idNumber("110105491231002") == "110********1002", "old 15-digit numbers keep their length")
        #expect(Mask.idNumber("1234567") == "*****67")
        #expect(Mask.idNumber("12345678") == "123*5678")
        #expect(Mask.idNumber("12") == "**")
        #expect(Mask.idNumber("") == "")
    }

    @Test func phones() {
        #expect(Mask.phone("13812345678") == "138****5678")
        #expect(Mask.phone("+86 138-1234-5678") == "138****5678")
        #expect(Mask.phone("010-12345678") == "010*****5678")
        #expect(Mask.phone("0755-1234567") == "075*****4567")
        #expect(Mask.phone("12345") == "***45")
    }

    @Test func names() {
        #expect(Mask.name("张三丰") == "张*丰")
        #expect(Mask.name("张三") == "张*")
        #expect(Mask.name("欧阳娜娜") == "欧**娜")
        #expect(Mask.name("王") == "*")
        #expect(Mask.name("") == "")
        #expect(Mask.name("买买提·艾力") == "买****力")
    }

    @Test func addresses() {
        #expect(Mask.address("北京市朝阳区建国路88号3栋2单元501") == "北京市朝阳区建国路88号*栋*单元***")
        #expect(Mask.address("幸福小区5栋1单元302") == "幸福小区5栋*单元***")
        #expect(Mask.address("光明里12楼3门") == "光明里12楼*门")
        #expect(Mask.address("东城区某胡同") == "东城区某胡同")
        #expect(Mask.address("团结村３组") == "团结村*组", "full-width digits too")
        #expect(Mask.address("建国路88号") == "建国路88号")
    }
}
