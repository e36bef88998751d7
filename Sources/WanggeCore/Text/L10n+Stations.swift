extension L10n {
    /// Strings of the service centres and stations (服务中心、工作站、党群服务站).
    static let stationStrings: [String: (zh: String, en: String)] = [
        "station.kind.district_centre": ("区级服务中心", "District service centre"),
        "station.kind.street_centre": ("街道服务中心", "Street service centre"),
        "station.kind.community_station": ("社区工作站", "Community work station"),
        "station.kind.party_station": ("党群服务站", "Party and masses service station"),
        "station.title": ("服务阵地：{0}", "Service stations: {0}"),
        "station.nav": ("服务阵地", "Service stations"),
        "station.public_heading": ("服务中心和站点", "Service centres and stations"),
        "station.intro": (
            "本级及下级的服务中心、工作站和党群服务站。窗口受理的事件可记录受理站点。",
            "The service centres and stations of this unit and below. A case taken at a window records the station that took it."
        ),
        "station.none": ("暂无服务站点", "No stations yet"),
        "station.add": ("添加站点", "Add a station"),
        "station.edit": ("修改站点", "Edit the station"),
        "station.save": ("保存", "Save"),
        "station.saved": ("站点已保存", "Station saved"),
        "station.kind": ("类型", "Kind"),
        "station.name": ("名称", "Name"),
        "station.address": ("地址", "Address"),
        "station.lon": ("经度（选填）", "Longitude (optional)"),
        "station.lat": ("纬度（选填）", "Latitude (optional)"),
        "station.hours": ("开放时间", "Opening hours"),
        "station.phone": ("办公电话", "Office phone"),
        "station.staff": ("工作人员（每行一人：姓名 岗位）", "Staff (one a line: name role)"),
        "station.staff_heading": ("工作人员", "Staff"),
        "station.unit": ("所属", "Unit"),
        "station.on_map": ("地图上的站点", "Stations on the map"),
        "station.bad_kind": ("请选择站点类型", "Choose the kind of station"),
        "station.kind_level": ("{0}不属于这一级", "A {0} does not belong to this level"),
        "station.name_required": ("请填写名称", "Give the name"),
        "station.address_required": ("请填写地址", "Give the address"),
        "station.hours_required": ("请填写开放时间", "Give the opening hours"),
        "station.bad_phone": (
            "办公电话只能包含数字、空格和“-”（5 到 20 位数字），且不能是手机号", "The office phone is digits, spaces and \"-\" (5 to 20 digits), not a mobile number"
        ),
        "station.outside": ("位置不在本单位范围内", "The location lies outside the unit"),
        "station.bad_staff": ("工作人员每行一人，姓名不超过 20 字、岗位不超过 30 字", "One staff member a line; name at most 20, role at most 30 characters"),
        "station.too_many_staff": ("工作人员最多 {0} 人", "At most {0} staff"),
        "station.case_station": ("受理站点（窗口）", "Station (window)"),
        "station.case_none": ("（不记录）", "(not recorded)"),
        "station.case_taken": ("受理站点", "Taken at"),
        "station.case_not_window": ("只有窗口受理的事件才记录站点", "Only a case taken at a window records a station"),
        "station.unknown": ("没有这个站点", "No such station"),
    ]
}
