" Vim filetype plugin
" Language: netpol (netpolc policy files)

if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

" `#` comments; `##` is a doc comment, kept when formatting with gq.
setlocal comments=:##,:#
setlocal commentstring=#\ %s
setlocal formatoptions-=t formatoptions+=croql
" The canonical layout of `netpolc fmt`: two spaces a level.
setlocal shiftwidth=2 softtabstop=2 expandtab
" Names may hold `-` (policy and namespace names, `remote-node`).
setlocal iskeyword=@,48-57,_,-
setlocal suffixesadd=.netpol

" :make runs `netpolc build` and fills the quickfix list (compiler/netpolc.vim).
if !exists("current_compiler")
  compiler netpolc
endif

let b:undo_ftplugin = "setlocal comments< commentstring< formatoptions< shiftwidth<"
      \ . " softtabstop< expandtab< iskeyword< suffixesadd< makeprg< errorformat<"
      \ . " | unlet! b:current_compiler"

let &cpo = s:cpo_save
unlet s:cpo_save
