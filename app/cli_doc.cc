#include "app/cli_doc.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "app/cli.h"

namespace zw::app {

namespace {

// Text for roff: backslashes escaped, and a line that would start with a control
// character made literal (groff_man(7)).
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\')
            out += "\\e";
        else
            out += c;
        line_start = c == '\n';
    }
    return out;
}

// An option or command name: hyphens are minus signs there, so they copy and paste.
std::string roff_name(std::string_view name) {
    std::string out;
    for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
}

bool documented(const CLI::Option* o) {
    return o->get_description().size() > 0 || o->get_positional();
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
    return app.get_options(
        [](const CLI::Option* o) { return o->get_positional() && !o->nonpositional(); });
}

std::vector<const CLI::Option*> named_options(const CLI::App& app) {
    return app.get_options(
        [](const CLI::Option* o) { return o->nonpositional() && documented(o); });
}

std::vector<const CLI::App*> commands(const CLI::App& app) {
    auto subs = app.get_subcommands([](const CLI::App*) { return true; });
    return {subs.begin(), subs.end()};
}

bool takes_value(const CLI::Option* o) {
    return o->get_items_expected_max() > 0 && o->get_type_size() != 0;
}

// "--policy" or "-h, --help"
std::string option_names(const CLI::Option* o) {
    std::string out;
    for (const auto& s : o->get_snames())
        out += fmt::format("{}\\fB\\-{}\\fR", out.empty() ? "" : ", ", s);
    for (const auto& l : o->get_lnames())
        out += fmt::format("{}\\fB{}\\fR", out.empty() ? "" : ", ", roff_name("--" + l));
    return out;
}

std::string value_name(const CLI::Option* o) {
    std::string t = o->get_type_name();
    if (t.empty()) t = "VALUE";
    return t;
}

std::string positional_name(const CLI::Option* o) {
    std::string n = o->get_name(true);
    std::transform(n.begin(), n.end(), n.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    bool many = o->get_items_expected_max() > 1;
    return many ? n + "..." : n;
}

std::string synopsis(const CLI::App& cmd) {
    std::string out =
        fmt::format("\\fBzonewarden\\fR [\\fB\\-\\-config\\fR \\fIFILE\\fR] \\fB{}\\fR",
                    roff_name(cmd.get_name()));
    for (const auto* o : named_options(cmd)) {
        if (o->get_lnames().size() == 1 && o->get_lnames()[0] == "help") continue;
        std::string item = option_names(o);
        if (takes_value(o)) item += fmt::format(" \\fI{}\\fR", value_name(o));
        out += o->get_required() ? " " + item : " [" + item + "]";
    }
    for (const auto* o : positionals(cmd)) {
        std::string item = fmt::format("\\fI{}\\fR", positional_name(o));
        out += o->get_required() ? " " + item : " [" + item + "]";
    }
    return out;
}

void options_list(std::string& out, const CLI::App& app) {
    for (const auto* o : positionals(app))
        out += fmt::format(".TP\n\\fI{}\\fR\n{}{}\n", positional_name(o),
                           roff(o->get_description()), o->get_required() ? " (required)" : "");
    for (const auto* o : named_options(app)) {
        out += fmt::format(".TP\n{}{}\n{}", option_names(o),
                           takes_value(o) ? fmt::format(" \\fI{}\\fR", value_name(o)) : "",
                           roff(o->get_description()));
        if (o->get_required()) out += " (required)";
        if (!o->get_default_str().empty())
            out += fmt::format(" (default: {})", roff(o->get_default_str()));
        out += "\n";
    }
}

void paragraphs(std::string& out, std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string line;
    bool open = false;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(' ') == std::string::npos) {
            open = false;
            continue;
        }
        if (!open) out += ".PP\n";
        open = true;
        out += roff(line.substr(line.find_first_not_of(' '))) + "\n";
    }
}

void facts(std::string& out, std::string_view section, std::span<const CliFact> list) {
    out += fmt::format(".SH {}\n", section);
    for (const auto& f : list)
        out += fmt::format(".TP\n\\fB{}\\fR\n{}\n", roff_name(f.term), roff(f.meaning));
}

// The first line of the application's description, after "zonewarden: ".
// The application's description without its "zonewarden: " and the pointer to this page.
std::string description_text(const CLI::App& app) {
    std::string d = app.get_description();
    if (d.starts_with("zonewarden: ")) d.erase(0, 12);
    if (auto manual = d.find("\nManual: "); manual != std::string::npos) d.erase(manual);
    return d;
}

}  // namespace

std::string man_page(const CLI::App& app) {
    std::string out = fmt::format(
        ".\\\" zonewarden(8), written by zonewarden-doc from the command-line definition.\n"
        ".TH ZONEWARDEN 8 \"\" \"zonewarden {}\" \"System Administration\"\n",
        cli_version());
    out += fmt::format(".SH NAME\nzonewarden \\- {}\n", roff(cli_summary));
    out +=
        ".SH SYNOPSIS\n\\fBzonewarden\\fR [\\fB\\-\\-config\\fR \\fIFILE\\fR] \\fICOMMAND\\fR "
        "[\\fIOPTIONS\\fR]\n"
        ".br\n\\fBzonewarden\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n";
    out += ".SH DESCRIPTION\n";
    paragraphs(out, description_text(app));
    out +=
        ".PP\nEach command below is also described by \\fBzonewarden\\fR \\fICOMMAND\\fR "
        "\\fB\\-\\-help\\fR.\n";
    out += ".SH OPTIONS\n";
    options_list(out, app);
    out += ".SH COMMANDS\n";
    for (const CLI::App* cmd : commands(app)) {
        out += fmt::format(".SS {}\n{}\n.PP\n{}\n", roff_name(cmd->get_name()),
                           roff(cmd->get_description()), synopsis(*cmd));
        if (!named_options(*cmd).empty() || !positionals(*cmd).empty()) options_list(out, *cmd);
        paragraphs(out, cmd->get_footer());
    }
    facts(out, "EXIT STATUS", exit_code_facts());
    facts(out, "FILES", file_facts());
    facts(out, "SIGNALS", signal_facts());
    out +=
        ".SH SEE ALSO\n"
        "The reference of the configuration file, the hooks, the HTTP endpoint and the status "
        "schema:\n"
        "/usr/share/doc/zonewarden/operations.md.\n"
        ".PP\n"
        ".BR systemctl (1),\n"
        ".BR nsd\\-control (8),\n"
        ".BR knotc (8),\n"
        ".BR rndc (8)\n";
    return out;
}

std::string bash_completion(const CLI::App& app) {
    auto words = [](const CLI::App& a, bool values) {
        std::string out;
        for (const auto* o : named_options(a)) {
            if (takes_value(o) != values) continue;
            for (const auto& l : o->get_lnames())
                out += fmt::format("{}--{}", out.empty() ? "" : " ", l);
        }
        return out;
    };
    std::string names;
    for (const CLI::App* cmd : commands(app))
        names += fmt::format("{}{}", names.empty() ? "" : " ", cmd->get_name());
    std::string out =
        fmt::format(R"(# bash completion for zonewarden(8), written by zonewarden-doc from the
# command-line definition. Options that take a value complete file names.
_zonewarden() {{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} words=("${{COMP_WORDS[@]}}") cword=$COMP_CWORD
    fi
    local cmd="" i values flags
    for ((i = 1; i < cword; i++)); do
        case ${{words[i]}} in
            --config) ((i++)) ;;
            -*) ;;
            *) cmd=${{words[i]}}; break ;;
        esac
    done
    case $cmd in
        "") values="{}" flags="{} {}" ;;
)",
                    words(app, true), words(app, false), names);
    for (const CLI::App* cmd : commands(app))
        out += fmt::format("        {}) values=\"{}\" flags=\"{}\" ;;\n", cmd->get_name(),
                           words(*cmd, true), words(*cmd, false));
    out += R"(        *) values="" flags="" ;;
    esac
    if [[ " $values " == *" $prev "* ]]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
    fi
    mapfile -t COMPREPLY < <(compgen -W "$values $flags" -- "$cur")
    if [[ -n $cmd && $cur != -* ]]; then
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
    fi
}
complete -F _zonewarden zonewarden
)";
    return out;
}

}  // namespace zw::app
