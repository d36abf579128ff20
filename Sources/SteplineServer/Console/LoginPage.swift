/// The sign-in form, shown when the server has credentials: the same access key id
/// and secret access key that sign API requests.
struct LoginPage: Sendable {
    var csrf: String

    func render() -> HTML {
        var html = HTML(raw: "<form method=\"post\" action=\"/console/login\" class=\"login\" id=\"login\">")
        html.raw(HTML.hidden("csrf", csrf))
        html.raw("<p class=\"muted\">This server requires credentials. Sign in with an access key it accepts.</p>")
        html.raw("<label>Access key id<input type=\"text\" name=\"accessKeyId\" autocomplete=\"username\" required></label>")
        html.raw("<label>Secret access key<input type=\"password\" name=\"secretAccessKey\" autocomplete=\"current-password\" required></label>")
        html.raw("<button type=\"submit\" class=\"primary\">Sign in</button></form>")
        return html
    }
}
