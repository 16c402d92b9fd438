" Vim syntax file
" Language: netpol (netpolc policy files)
" Filenames: *.netpol
"
" The keywords are those of the `keyword` rule of grammar/netpol.pest;
" tests/it/editors.rs checks that the `netpolKeyword` lines list exactly them.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
" Names may hold `-`: `default-deny` is a policy name, not two keywords.
syn iskeyword @,48-57,_,-

" Keywords. Some start a list of names, linked with nextgroup below.
syn keyword netpolKeyword import system cluster select description label default no sentence
" `allow dns`, `deny cloud-metadata`: a rule sentence; its word names it.
syn keyword netpolKeyword allow deny nextgroup=netpolSentenceWord skipwhite
syn keyword netpolKeyword silence nextgroup=netpolLintCode skipwhite skipnl
syn keyword netpolKeyword ingress egress from to pods nodes all in with fqdn services
syn keyword netpolKeyword anywhere everything ipv4 ipv6 method host header grpc kafka
syn keyword netpolKeyword produce consume topic client version dns notin cilium group groups sni
syn keyword netpolKeyword metadata annotation log spec
syn keyword netpolKeyword authentication
syn keyword netpolKeyword aws named region
syn keyword netpolKeyword secret mismatch
syn keyword netpolKeyword listener priority l7
syn keyword netpolKeyword terminate originate tls ca certificate key fallback
syn keyword netpolKeyword cidr cidrs ports strings string selector expect account node
syn keyword netpolKeyword const nextgroup=netpolConstDef skipwhite skipnl
syn keyword netpolKeyword category use nextgroup=netpolCategoryName skipwhite skipnl
syn keyword netpolKeyword namespaces
syn keyword netpolKeyword namespace nextgroup=netpolNamespaceName,netpolConstRef skipwhite skipnl
syn keyword netpolKeyword except nextgroup=netpolCidr,netpolBadCidr,netpolNamespaceName,netpolConstRef skipwhite skipnl
syn keyword netpolKeyword policy nextgroup=netpolPolicyName skipwhite skipnl
syn keyword netpolKeyword entity nextgroup=netpolEntity skipwhite skipnl
syn keyword netpolKeyword service nextgroup=netpolServiceName,netpolConstRef skipwhite skipnl
syn keyword netpolKeyword apikey nextgroup=netpolApikey skipwhite skipnl
syn keyword netpolKeyword http nextgroup=netpolHttpMethod skipwhite skipnl
syn keyword netpolKeyword icmp nextgroup=netpolIcmpFamily,netpolIcmpType skipwhite skipnl
syn keyword netpolKeyword port nextgroup=netpolPortName skipwhite skipnl

" Names after a keyword.
syn match netpolSentenceWord contained "\%(\%(from\|to\|ingress\|egress\)[[:alnum:]_-]\@!\)\@!\a[[:alnum:]_-]*"
syn match netpolConstDef contained "\h\w*"
syn match netpolCategoryName contained "\h\w*" nextgroup=netpolParams skipwhite
syn match netpolPolicyName contained "\w[[:alnum:]._-]*"
syn match netpolServiceName contained "\w[[:alnum:]._-]*"
syn match netpolApikey contained "\w[[:alnum:]._-]*"
" `silence W0106, W0109 "reason"`: the warning codes.
syn match netpolLintCode contained "\a\w*" nextgroup=netpolLintComma skipwhite
syn match netpolLintComma contained "," nextgroup=netpolLintCode skipwhite skipnl
syn match netpolHttpMethod contained "\u\+\>"
syn match netpolNamespaceName contained "\w[[:alnum:]._-]*" nextgroup=netpolNamespaceComma skipwhite
syn match netpolNamespaceComma contained "," nextgroup=netpolNamespaceName,netpolConstRef skipwhite skipnl
syn match netpolEntity contained "\w[[:alnum:]._-]*" nextgroup=netpolEntityComma skipwhite
syn match netpolEntityComma contained "," nextgroup=netpolEntity skipwhite skipnl
syn match netpolIcmpType contained "\<\w\+\>" nextgroup=netpolIcmpComma skipwhite
syn match netpolIcmpFamily contained "\<ipv[46]\>" nextgroup=netpolIcmpType skipwhite skipnl
syn match netpolIcmpComma contained "," nextgroup=netpolIcmpFamily,netpolIcmpType skipwhite skipnl
" A named port (`port http`); a numbered one is matched by netpolPort.
syn match netpolPortName contained "\a[[:alnum:]-]*\>\%(/\)\@!"

" `category NAME(name: type = default)` and `use NAME(name: value)`.
syn region netpolParams contained matchgroup=netpolDelimiter start="(" end=")" contains=netpolParamName,netpolType,@netpolValue
syn match netpolParamName contained "\h\w*\ze\s*:"
syn match netpolType contained "\%(:\s*\)\@<=\<\%(cidrs\|cidr\|ports\|port\|strings\|string\|selector\)\>"

" Label selectors: `key=value`, `key!=value`, `key in (a, b)`, `{ app, !canary }`.
syn match netpolExistsKey contained "[[:alnum:]_][[:alnum:]._/:-]*"
syn match netpolLabelKey "[[:alnum:]_][[:alnum:]._/:-]*\ze\s*!\?=" nextgroup=netpolOperator skipwhite
syn match netpolLabelKey "[[:alnum:]_][[:alnum:]._/:-]*\ze\s\+\%(not\)\?in\s*(" nextgroup=netpolSetKeyword skipwhite
syn keyword netpolSetKeyword contained in notin nextgroup=netpolSet skipwhite
syn region netpolSet contained matchgroup=netpolDelimiter start="(" end=")" contains=netpolString,netpolConstRef,netpolLabelValue
syn match netpolLabelValue contained "[[:alnum:]._-]\+"
syn match netpolOperator contained "!\?=" nextgroup=netpolLabelValue,netpolString,netpolConstRef skipwhite
syn region netpolSelector matchgroup=netpolDelimiter start="\%(\<pods\|\<nodes\|\<with\|[=:,(\[]\)\@<=\s*{" end="}" contains=netpolComment,netpolDocComment,netpolLabelKey,netpolNot,netpolConstRef,netpolExistsKey,netpolString
syn match netpolNot contained "!\ze\s*[[:alnum:]_]"

" Values.
syn match netpolConstRef "\$\h\w*"
syn match netpolBadConstRef "\$\%(\h\)\@!"
syn match netpolNumber "\<\d\+\>"
" A port, a port range or a named port, with an optional protocol.
syn match netpolPort "\<\d\+\%(-\d\+\)\?\%(/\a\+\)\?\>\%([.:/]\)\@!" contains=netpolProtocol,netpolBadPort
syn match netpolPort "\<\a[[:alnum:]-]*/\%(tcp\|udp\|sctp\|any\|vrrp\|igmp\|gre\|ipip\|ipv6\|esp\|ah\)\>" contains=netpolProtocol
syn match netpolProtocol contained "/\zs\c\%(tcp\|udp\|sctp\|any\|vrrp\|igmp\|gre\|ipip\|ipv6\|esp\|ah\)\>"
syn match netpolBadPort contained "\%(6553[6-9]\|655[4-9]\d\|65[6-9]\d\d\|6[6-9]\d\{3}\|[7-9]\d\{4}\|\d\{6,}\)"
syn match netpolBadPort contained "/\zs\%(\c\%(tcp\|udp\|sctp\|any\|vrrp\|igmp\|gre\|ipip\|ipv6\|esp\|ah\)\>\)\@!\a\+"
" CIDRs and addresses: any dotted or colon-separated number first, then the
" valid forms over it (a later match wins).
syn match netpolBadCidr "\%([[:alnum:].:/-]\)\@<!\d\+\%(\.\d\+\)\+\%(/\d*\)\?\%([[:alnum:].:/]\)\@!"
syn match netpolBadCidr "\%([[:alnum:].:/-]\)\@<!\x*:\x*:[[:xdigit:]:.]*\%(/\d*\)\?\%([[:alnum:].:/]\)\@!"
syn match netpolCidr "\%([[:alnum:].:/-]\)\@<!\%(\%(25[0-5]\|2[0-4]\d\|1\d\d\|[1-9]\?\d\)\.\)\{3}\%(25[0-5]\|2[0-4]\d\|1\d\d\|[1-9]\?\d\)\%(/\%(3[0-2]\|[12]\?\d\)\)\?\%([[:alnum:].:/]\)\@!"
syn match netpolCidr "\%([[:alnum:].:/-]\)\@<!\%(\x\{1,4}\)\?\%(:\x\{0,4}\)\{2,7}\%(\.\d\+\)\{0,3}\%(/\%(12[0-8]\|1[01]\d\|[1-9]\?\d\)\)\?\%([[:alnum:].:/]\)\@!"

" `cilium 1.19`: the targeted Cilium version (after the CIDR forms, so it wins).
syn match netpolVersion "\%(\<cilium\s\+\)\@<=\d\+\.\d\+\>"

" Strings: `"text"` with `\"`, `\\`, `\n` and `\t`; a string ends on its line.
syn region netpolString start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=netpolEscape,netpolBadEscape
syn match netpolUnterminated +"\%([^"\\]\|\\.\)*\\\?$+ contains=netpolEscape,netpolBadEscape
syn match netpolEscape contained +\\["\\nt]+
syn match netpolBadEscape contained +\\[^"\\nt]+

" Characters the language never uses outside strings and comments.
syn match netpolBadChar "[;@%&*'`^|<>?~\\]"

syn cluster netpolValue contains=netpolString,netpolUnterminated,netpolConstRef,netpolBadConstRef,netpolCidr,netpolBadCidr,netpolPort,netpolNumber,netpolSelector,netpolComment,netpolDocComment

" Comments last: `#` starts one anywhere outside a string.
syn keyword netpolTodo contained TODO FIXME XXX NOTE
syn match netpolComment "#.*$" contains=netpolTodo,@Spell
syn match netpolDocComment "##.*$" contains=netpolTodo,@Spell

hi def link netpolKeyword       Keyword
hi def link netpolSetKeyword    Keyword
hi def link netpolIcmpFamily    Keyword
hi def link netpolType          Type
hi def link netpolConstDef      PreProc
hi def link netpolConstRef      PreProc
hi def link netpolCategoryName  Type
hi def link netpolSentenceWord  Type
hi def link netpolNamespaceName Structure
hi def link netpolPolicyName    Function
hi def link netpolServiceName   Special
hi def link netpolEntity        Constant
hi def link netpolApikey        Constant
hi def link netpolLintCode      Constant
hi def link netpolHttpMethod    Constant
hi def link netpolIcmpType      Constant
hi def link netpolProtocol      Constant
hi def link netpolPortName      Constant
hi def link netpolParamName     Identifier
hi def link netpolLabelKey      Identifier
hi def link netpolExistsKey     Identifier
hi def link netpolLabelValue    String
hi def link netpolOperator      Operator
hi def link netpolNot           Operator
hi def link netpolDelimiter     Delimiter
hi def link netpolCidr          Number
hi def link netpolPort          Number
hi def link netpolNumber        Number
hi def link netpolString        String
hi def link netpolEscape        SpecialChar
hi def link netpolComment       Comment
hi def link netpolDocComment    SpecialComment
hi def link netpolTodo          Todo
hi def link netpolBadCidr       Error
hi def link netpolVersion       Number
hi def link netpolBadPort       Error
hi def link netpolBadEscape     Error
hi def link netpolBadConstRef   Error
hi def link netpolBadChar       Error
hi def link netpolUnterminated  Error

let b:current_syntax = "netpol"

let &cpo = s:cpo_save
unlet s:cpo_save
