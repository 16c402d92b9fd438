" Vim indent file
" Language: netpol (netpolc policy files)
"
" Brace-based: a line after an unclosed `{`, `(` or `[` goes one level in; a
" line that starts with `}`, `)` or `]` goes one level out.

if exists("b:did_indent")
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetNetpolIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,e
setlocal nolisp nosmartindent nocindent autoindent

let b:undo_indent = "setlocal indentexpr< indentkeys< lisp< smartindent< cindent< autoindent<"

if exists("*GetNetpolIndent")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" The brackets of a line that count: strings and comments removed.
function! s:Code(lnum) abort
  let line = getline(a:lnum)
  let line = substitute(line, '"\%([^"\\]\|\\.\)*"\=', '""', 'g')
  return substitute(line, '#.*$', '', '')
endfunction

function! GetNetpolIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let ind = indent(prev)
  " Closers at the start of the previous line are already out a level.
  let code = substitute(s:Code(prev), '^\s*[})\]]*', '', '')
  let depth = len(substitute(code, '[^{(\[]', '', 'g')) - len(substitute(code, '[^})\]]', '', 'g'))
  if depth > 0
    let ind += shiftwidth()
  elseif depth < 0
    let ind -= shiftwidth()
  endif
  if getline(a:lnum) =~ '^\s*[})\]]'
    let ind -= shiftwidth()
  endif
  return max([ind, 0])
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
