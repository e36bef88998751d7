extension L10n {
    /// Open311 GeoReport v2 (WanggeWeb/Open311) and its API keys (`wangge apikey`).
    static let open311Strings: [String: (zh: String, en: String)] = [
        // Keys
        "apikey.bad_name": ("密钥名称须为 1 到 {0} 个字符且不含空格", "A key name has 1 to {0} characters and no spaces"),
        "apikey.name_in_use": ("已有名为“{0}”的有效密钥；请先吊销或换个名称", "A live key named \"{0}\" exists; revoke it first or choose another name"),
        "apikey.not_found": ("没有名为“{0}”的有效密钥", "There is no live key named \"{0}\""),
        "apikey.created": ("已为“{0}”创建 Open311 密钥（下一行）。它只显示这一次，请妥善交给对方。", "Created an Open311 key for \"{0}\" (next line). It is shown only this once: hand it over safely."),
        "apikey.none": ("还没有 Open311 密钥", "No Open311 keys yet"),
        "apikey.revoked": ("已吊销“{0}”的密钥", "Revoked the key of \"{0}\""),
        "audit.action.apikey_created": ("创建 Open311 密钥", "Open311 key created"),
        "audit.action.apikey_revoked": ("吊销 Open311 密钥", "Open311 key revoked"),
        "audit.object.open311_api_key": ("Open311 密钥", "Open311 key"),

        // Documents
        "open311.contact": ("请联系本区网格化服务管理中心", "Please contact the district's grid management centre"),
        "open311.key_service": ("api_key 由本区系统管理员签发（wangge apikey create --name 名称）", "api_keys are issued by the district's system administrator (wangge apikey create --name NAME)"),
        "open311.service_description": ("{0}：由{1}承办，{2} 小时内响应，{3} 小时内办结（{4}）", "{0}: handled by {1}, answered within {2} h and resolved within {3} h ({4})"),
        "open311.notice": ("承办单位：{0}；应于 {1} 前办结。", "Handled by {0}; due by {1}."),
        "open311.agency_pending": ("待派遣", "to be dispatched"),
        "open311.received": ("已登记，公开编号 {0}；本人跟踪码 {1}(凭此查询进度和评价，请勿公开)。", "Registered as {0}; your own tracking code is {1} (to follow and rate the case; keep it private). "),
        "open311.merged_into": ("与 {0} 为同一问题，已合并办理。", "The same problem as {0}; handled together with it."),

        // Errors
        "open311.no_such_resource": ("没有这个 Open311 资源", "No such Open311 resource"),
        "open311.bad_format": ("格式须为 .json 或 .xml", "The format must be .json or .xml"),
        "open311.bad_jurisdiction": ("本接口不受理 jurisdiction_id“{0}”", "jurisdiction_id \"{0}\" is not served here"),
        "open311.unknown_service": ("没有 service_code 为“{0}”的服务", "There is no service with service_code \"{0}\""),
        "open311.unknown_request": ("没有 service_request_id 为“{0}”的公开请求", "There is no public request with service_request_id \"{0}\""),
        "open311.unknown_token": ("没有对应 token“{0}”的请求", "There is no request for token \"{0}\""),
        "open311.too_many_ids": ("service_request_id 最多 {0} 个", "At most {0} service_request_id values"),
        "open311.bad_date": ("{0}“{1}”不是 W3C 日期时间（如 2026-11-27T08:00:00+08:00）", "{0} \"{1}\" is not a W3C date-time (e.g. 2026-11-27T08:00:00+08:00)"),
        "open311.dates_reversed": ("start_date 晚于 end_date", "start_date is after end_date"),
        "open311.bad_status": ("status“{0}”无效，只能是 open 或 closed", "status \"{0}\" is not valid: use open or closed"),
        "open311.form_required": ("请以 application/x-www-form-urlencoded 或 multipart/form-data 提交", "Send the request as application/x-www-form-urlencoded or multipart/form-data"),
        "open311.bad_body": ("请求内容无法解析", "The request body cannot be read"),
        "open311.too_large": ("请求内容过大", "The request body is too large"),
        "open311.key_required": ("提交请求需要 api_key", "Posting a request needs an api_key"),
        "open311.bad_key": ("api_key 无效或已吊销", "The api_key is not valid or has been revoked"),
        "open311.rate_limited": ("请求过于频繁，请稍后再试", "Too many requests; try again later"),
        "open311.field_required": ("缺少 {0}", "{0} is required"),
        "open311.too_long": ("{0} 过长，不能超过 {1} 个字符", "{0} is too long: at most {1} characters"),
        "open311.bad_coordinates": ("坐标无效：lat“{0}”、long“{1}”须为 WGS-84 十进制度数", "Invalid coordinates: lat \"{0}\" and long \"{1}\" must be WGS-84 decimal degrees"),
        "open311.outside_area": ("坐标 lat“{0}”、long“{1}”不在本区服务范围内", "lat \"{0}\", long \"{1}\" is outside the area this district serves"),
        "open311.lat_long_pair": ("lat 与 long 须同时提供", "lat and long must be given together"),
        "open311.unknown_address_id": ("没有编号为“{0}”的楼栋（address_id）", "There is no building with code \"{0}\" (address_id)"),
        "open311.location_required": ("须提供位置：lat 与 long、address_string 或 address_id", "A location is required: lat and long, address_string or address_id"),
        "open311.internal": ("服务器内部错误，已记录", "Internal server error; it has been logged"),
    ]
}
