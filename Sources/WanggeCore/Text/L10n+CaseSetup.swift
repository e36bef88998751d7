extension L10n {
    /// Strings of the case setup pages (categories, departments, routing rules) and the mailbox.
    static let caseSetupStrings: [String: (zh: String, en: String)] = [
        // Problems (Cases/CaseSetupRules.swift, WanggeStore/Cases/CaseSetupRepository.swift)
        "case.setup.hours_number": ("请填写小时数", "Enter a number of hours"),
        "case.setup.warn_range": ("须为 {0} 到 {1} 之间的整数", "Must be a whole number from {0} to {1}"),
        "case.setup.field.warn_percent": ("预警比例(时限的百分之几)", "Warning at (percent of the limit)"),
        "case.setup.hours_range": ("须大于 {0} 且不超过 {1} 小时", "Must be more than {0} and at most {1} hours"),
        "case.setup.respond_after_resolve": (
            "响应时限（{0} 小时）不能长于办结时限（{1} 小时）",
            "The response limit ({0} h) cannot be longer than the resolution limit ({1} h)"
        ),
        "case.setup.bad_key": (
            "编码“{0}”只能由小写字母、数字和下划线组成，并以字母开头",
            "Key “{0}” may hold only lower-case letters, digits and underscores, starting with a letter"
        ),
        "case.setup.duplicate_key": ("编码“{0}”已存在", "Key “{0}” already exists"),
        "case.setup.unknown_parent": ("上级类别“{0}”不存在", "Parent category “{0}” does not exist"),
        "case.setup.parent_inactive": ("上级类别已停用", "The parent category is not in use"),
        "case.setup.unknown_unit": ("请选择您管辖范围内的有效单元", "Choose a unit within your area"),
        "case.setup.rule_not_saved": ("规则未能保存，请重试", "The rule was not saved; try again"),
        "case.setup.district_only": ("事件类别和承办部门由区级账号维护", "Categories and departments are kept by district accounts"),
        "case.category_inactive": ("该类别已停用，请选择其他类别", "This category is no longer in use; choose another"),

        // Field names
        "case.setup.field.key": ("编码", "Key"),
        "case.setup.field.parent": ("上级类别", "Parent category"),
        "case.setup.field.kind": ("种类", "Kind"),
        "case.setup.field.name_zh": ("中文名称", "Chinese name"),
        "case.setup.field.name_en": ("英文名称（选填）", "English name (optional)"),
        "case.setup.field.department": ("承办部门", "Department"),
        "case.setup.field.respond_hours": ("响应时限（小时）", "Respond within (hours)"),
        "case.setup.field.resolve_hours": ("办结时限（小时）", "Resolve within (hours)"),
        "case.setup.field.counting": ("计时方式", "Hours counted"),
        "case.setup.field.complex": ("较难复杂问题", "Complex"),
        "case.setup.field.on_spot": ("网格员可就地解决", "Grid workers may settle it on the spot"),
        "case.setup.field.active": ("状态", "Status"),
        "case.setup.field.unit": ("适用单元（含下级）", "Unit (and below)"),
        "case.setup.field.category": ("事件类别", "Category"),
        "case.setup.field.name": ("名称", "Name"),

        // Pages
        "nav.case_setup": ("事件配置", "Case setup"),
        "case.setup.title": ("事件配置", "Case setup"),
        "case.setup.categories": ("事件类别", "Categories"),
        "case.setup.departments": ("承办部门", "Departments"),
        "case.setup.routes": ("派遣规则", "Routing rules"),
        "case.setup.add_category": ("新增类别", "Add a category"),
        "case.setup.edit_category": ("类别：{0}", "Category: {0}"),
        "case.setup.top_level": ("（顶级类别）", "(top level)"),
        "case.setup.key_help": ("留空则自动生成；下级类别的编码以上级编码加“.”开头", "Leave empty to generate one; a child's key starts with its parent's and a dot"),
        "case.setup.department_key_help": ("留空则自动生成；编码保存后不再改变", "Leave empty to generate one; a key never changes once saved"),
        "case.setup.kind_help": ("仅新增顶级类别时选择；下级类别沿用上级的种类", "Chosen only for a top-level category; a child takes its parent's kind"),
        "case.setup.save": ("保存", "Save"),
        "case.setup.edit": ("编辑", "Edit"),
        "case.setup.deactivate": ("停用", "Take out of use"),
        "case.setup.activate": ("启用", "Put back in use"),
        "case.setup.active": ("启用", "In use"),
        "case.setup.inactive": ("已停用", "Not in use"),
        "case.setup.yes": ("是", "Yes"),
        "case.setup.no": ("否", "No"),
        "case.setup.hours": ("{0} 小时", "{0} h"),
        "case.setup.fix_fields": ("请修改以下项目：", "Please correct:"),
        "case.setup.saved": ("已保存", "Saved"),
        "case.setup.deactivate_help": (
            "停用后新案件不能再选此类别（含其下级），已有案件不受影响。",
            "Once out of use, new cases cannot pick this category or those below it; existing cases keep it."
        ),
        "case.setup.back": ("返回类别列表", "Back to the categories"),
        "case.setup.add_department": ("新增部门", "Add a department"),
        "case.setup.rename": ("改名", "Rename"),
        "case.setup.add_rule": ("新增或替换规则", "Add or replace a rule"),
        "case.setup.delete": ("删除", "Delete"),
        "case.setup.no_rules": ("暂无派遣规则：案件派往类别的默认部门。", "No routing rules: cases go to their category's default department."),
        "case.setup.rules_help": (
            "规则作用于所选单元及其全部下级；同一类别下，离网格最近的单元的规则优先。",
            "A rule applies to the unit and everything below it; for a category, the rule of the unit nearest the grid wins."
        ),
        "case.setup.rules_of_category": ("本类别的派遣规则", "Routing rules of this category"),

        // Mailbox (区长信箱、网络问政)
        "mailbox.title": ("区长信箱 · 网络问政", "Mailbox and online inquiry"),
        "mailbox.link": ("区长信箱 / 网络问政：无需登录，写信反映问题", "Mailbox and online inquiry: write to us without an account"),
        "mailbox.intro": (
            "您可以在这里投诉、提出建议、咨询政策或求助，无需注册。提交后会得到查询码，用于查看办理进度。",
            "Complain, suggest, ask about a policy or ask for help here, without an account. You will get a code to follow your letter."
        ),
        "mailbox.kind.complaint": ("投诉", "Complaint"),
        "mailbox.kind.suggestion": ("建议", "Suggestion"),
        "mailbox.kind.inquiry": ("咨询", "Inquiry"),
        "mailbox.kind.help": ("求助", "Request for help"),
        "mailbox.field.kind": ("类型", "Kind"),
        "mailbox.field.subject": ("标题", "Subject"),
        "mailbox.field.content": ("内容", "Letter"),
        "mailbox.field.name": ("姓名（选填）", "Name (optional)"),
        "mailbox.subject_required": ("请填写标题", "Enter a subject"),
        "mailbox.bad_kind": ("请选择信件类型", "Choose what the letter is about"),
        "mailbox.submit": ("提交信件", "Send the letter"),

        // Audit log
        "audit.action.case.category.add": ("新增事件类别", "Category added"),
        "audit.action.case.category.update": ("修改事件类别", "Category changed"),
        "audit.action.case.category.activate": ("启用事件类别", "Category put back in use"),
        "audit.action.case.category.deactivate": ("停用事件类别", "Category taken out of use"),
        "audit.action.case.department.add": ("新增承办部门", "Department added"),
        "audit.action.case.department.rename": ("承办部门改名", "Department renamed"),
        "audit.action.case.rule.set": ("设置派遣规则", "Routing rule set"),
        "audit.action.case.rule.delete": ("删除派遣规则", "Routing rule deleted"),
        "audit.object.case_category": ("事件类别", "Case category"),
        "audit.object.department": ("承办部门", "Department"),
        "audit.object.calendar_day": ("节假日安排", "Calendar day"),
        "audit.action.case.calendar.set": ("设置节假日/调休", "Holiday or make-up day set"),
        "audit.action.case.calendar.remove": ("删除节假日/调休", "Holiday or make-up day removed"),
        "case.setup.field.date": ("日期", "Date"),
        "calendar.tab": ("节假日与调休", "Holidays"),
        "calendar.title": ("{0} 年节假日与调休", "Holidays and make-up days {0}"),
        "calendar.help": (
            "按工作时间计时的类别（如代办服务）只在工作日 9:00–12:00、13:30–17:30 计时：这里列出的放假日不计，调休上班日照常计。每年按国务院办公厅公布的节假日安排录入（通常在上一年 11 月公布）。",
            "Categories whose limits count office hours count only 9:00–12:00 and 13:30–17:30 on working days: the holidays listed here are skipped and the make-up days are worked. Enter each year's calendar as the State Council publishes it (usually in November of the year before)."
        ),
        "calendar.empty_year": (
            "{0} 年尚未录入节假日安排：按工作时间计的时限只按周一至周五计算，法定假日也会计入时限。",
            "No holidays entered for {0}: limits in office hours count every Monday to Friday, public holidays included."
        ),
        "calendar.summary": ("放假 {0} 天，调休上班 {1} 天", "{0} holidays, {1} make-up working days"),
        "calendar.weekday": ("星期", "Weekday"),
        "calendar.weekday.1": ("周一", "Mon"), "calendar.weekday.2": ("周二", "Tue"), "calendar.weekday.3": ("周三", "Wed"),
        "calendar.weekday.4": ("周四", "Thu"), "calendar.weekday.5": ("周五", "Fri"), "calendar.weekday.6": ("周六", "Sat"),
        "calendar.weekday.7": ("周日", "Sun"),
        "calendar.kind.holiday": ("放假", "Holiday"),
        "calendar.kind.workday": ("调休上班", "Make-up working day"),
        "calendar.remove": ("删除", "Remove"),
        "calendar.add": ("添加或修改一天", "Add or change a day"),
        "calendar.save": ("保存", "Save"),
        "calendar.name_help": ("如：春节、国庆节调休上班；同一天再次保存即修改", "E.g. 春节, 国庆节调休上班; saving the same date again changes it"),
        "calendar.bad_date": ("请选择日期（YYYY-MM-DD）", "Choose a date (YYYY-MM-DD)"),
        "calendar.bad_kind": ("请选择放假或调休上班", "Choose holiday or make-up working day"),
        "calendar.bad_year": ("年份须在 {0}–{1} 之间", "The year must be between {0} and {1}"),
        "calendar.workday_on_weekday": ("{0} 本来就是工作日，调休上班日应为周六或周日", "{0} is a working day anyway; a make-up working day falls on a Saturday or Sunday"),
        "audit.object.routing_rule": ("派遣规则", "Routing rule"),
    ]
}
