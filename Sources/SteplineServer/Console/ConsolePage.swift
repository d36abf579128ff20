/// The frame every console page shares: title, navigation, who is signed in, a
/// notice after an action, and the style sheet, inlined so the console needs no
/// other request and nothing from the internet.
struct ConsolePage: Sendable {
    /// The navigation tabs: path under `/console` and label.
    static let tabs: [(path: String, label: String)] = [
        ("/console/review", "Review queue"),
        ("/console/executions", "Executions"),
        ("/console/dead-letters", "Dead letters"),
        ("/console/buses", "Buses and rules"),
    ]

    var title: String
    /// The tab to highlight.
    var activePath: String
    /// Who is signed in (`nil` on the login page and when no credentials are configured).
    var identity: String?
    var csrf: String
    /// A message after an action (`ok` or `error`).
    var notice: (kind: String, text: String)?

    func render(_ body: HTML) -> HTML {
        var html = HTML(raw: "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.raw("<title>")
        html.text(title + " · Stepline")
        html.raw("</title><style>\(Self.styleSheet)</style></head><body><header><span class=\"brand\">Stepline</span><nav>")
        for tab in Self.tabs {
            let active = activePath.hasPrefix(tab.path) ? " class=\"active\"" : ""
            html.raw("<a href=\"\(tab.path)\"\(active)>\(HTML.escape(tab.label))</a>")
        }
        html.raw("</nav>")
        if let identity {
            html.raw("<span class=\"who\">")
            html.text(identity)
            html.append(HTML.postButton(action: "/console/logout", label: "Sign out", csrf: csrf, style: "link"))
            html.raw("</span>")
        }
        html.raw("</header><main><h1>")
        html.text(title)
        html.raw("</h1>")
        if let notice {
            html.raw("<p class=\"notice \(HTML.escape(notice.kind))\" id=\"notice\">")
            html.text(notice.text)
            html.raw("</p>")
        }
        html.append(body)
        html.raw("</main></body></html>")
        return html
    }

    static let styleSheet = """
        :root{--fg:#1d2330;--muted:#667085;--line:#d9dde5;--bg:#f6f7f9;--accent:#2457d6;--ok:#11794a;--bad:#b42318;--warn:#b54708}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
        header{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#1d2330;color:#fff}
        header .brand{font-weight:700;letter-spacing:.02em}header nav a{color:#c9d3e6;text-decoration:none;margin-right:16px;padding:4px 0}
        header nav a.active{color:#fff;border-bottom:2px solid #7aa2ff}header .who{margin-left:auto;color:#c9d3e6}
        main{padding:16px 24px;max-width:1400px}h1{font-size:20px;margin:8px 0 16px}h2{font-size:16px;margin:24px 0 8px}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
        th{background:#eef1f6;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        pre.json{margin:0;min-width:260px;max-height:220px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f5f9;padding:6px;border-radius:4px;font-size:12px}
        .muted{color:var(--muted)}.mono{font-family:ui-monospace,Menlo,monospace;font-size:12px;word-break:break-all}
        .status{font-weight:600}.SUCCEEDED{color:var(--ok)}.FAILED,.TIMED_OUT{color:var(--bad)}.ABORTED{color:var(--warn)}.RUNNING{color:var(--accent)}
        form.inline{display:inline}button{font:inherit;padding:4px 10px;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
        button.primary{background:var(--accent);border-color:var(--accent);color:#fff}button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
        button.link{border:0;background:none;color:#c9d3e6;text-decoration:underline}
        textarea,input[type=text],input[type=password],select{font:inherit;padding:4px 6px;border:1px solid var(--line);border-radius:4px;width:100%}
        textarea{font-family:ui-monospace,Menlo,monospace;font-size:12px}
        .decide{display:grid;grid-template-columns:1fr 1fr;gap:8px;min-width:360px}.decide form{display:flex;flex-direction:column;gap:4px}
        .notice{padding:8px 12px;border-radius:4px}.notice.ok{background:#e7f6ee;color:var(--ok)}.notice.error{background:#fdecea;color:var(--bad)}
        .thumbs img{max-width:160px;max-height:120px;border:1px solid var(--line);margin:4px 4px 0 0;background:#fff}
        .filters{display:flex;gap:8px;align-items:end;margin-bottom:12px}.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
        h3.inner-scope{font-size:14px;margin:16px 0 6px;color:var(--muted)}.graph{display:inline-block;max-width:100%;background:#fff;border:1px solid var(--line);overflow:auto;padding:8px}.timeline td{font-size:13px}
        .login{max-width:360px;background:#fff;border:1px solid var(--line);padding:16px;border-radius:6px;display:flex;flex-direction:column;gap:8px}
        form.stop{display:flex;gap:8px;max-width:560px;margin:12px 0}form.stop button{white-space:nowrap}.pager{margin-top:8px;display:flex;gap:12px}.empty{padding:16px;background:#fff;border:1px solid var(--line);color:var(--muted)}
        """
}
