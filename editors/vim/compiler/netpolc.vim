" Vim compiler file
" Compiler: netpolc, the netpol policy compiler
"
" :make compiles the policy repository in the current directory (run Vim,
" or :lcd, at the repository root: netpolc prints paths relative to the
" repository it compiles) and fills the quickfix list from netpolc's short
" diagnostics:
"
"   namespaces/shop.netpol:4:7: error[E0102]: cannot find category `nosuch`
"   namespaces/shop.netpol:9:3: warning[W0101]: ...
"
" The code's number becomes the entry's number (`error 102`), and the
" closing `error: could not compile: 2 errors` line is dropped.

if exists("current_compiler")
  finish
endif
let current_compiler = "netpolc"

if exists(":CompilerSet") != 2
  command -nargs=* CompilerSet setlocal <args>
endif

let s:cpo_save = &cpo
set cpo&vim

" Global options come before the subcommand.
CompilerSet makeprg=netpolc\ --color\ never\ --message-format\ short\ build
CompilerSet errorformat=
      \%f:%l:%c:\ %trror[E%n]:\ %m,
      \%f:%l:%c:\ %tarning[W%n]:\ %m,
      \%f:%l:%c:\ %trror:\ %m,
      \%f:%l:%c:\ %tarning:\ %m,
      \%trror[E%n]:\ %m,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
