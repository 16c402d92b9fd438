" Checks editors/vim in a real Vim: filetype detection, the ftplugin's
" settings, syntax groups, brace indenting and :make with the netpolc
" compiler. Run by tests/editors/vim.sh, which sets g:repo (this checkout)
" and g:work (a scratch policy repository with broken files), and puts
" netpolc on PATH. Failures are collected in v:errors and written to
" g:work/errors.txt; Vim exits non-zero when there are any.

set nocompatible
execute 'set runtimepath^=' . fnameescape(g:repo . '/editors/vim')
filetype plugin indent on
syntax on

function! s:Group(lnum, text, ...) abort
  " The syntax group of the first character of the n-th `text` on line lnum.
  let nth = a:0 ? a:1 : 1
  let col = 0
  for i in range(nth)
    let col = stridx(getline(a:lnum), a:text, col) + 1
    if col == 0
      return 'not found: ' . a:text
    endif
  endfor
  return synIDattr(synID(a:lnum, col, 1), 'name')
endfunction

" Filetype detection and the ftplugin.
execute 'edit ' . fnameescape(g:work . '/sample.netpol')
call assert_equal('netpol', &filetype, 'filetype')
call assert_equal('# %s', &commentstring, 'commentstring')
call assert_equal(2, &shiftwidth, 'shiftwidth')
call assert_true(&expandtab, 'expandtab')
call assert_equal('GetNetpolIndent(v:lnum)', &indentexpr, 'indentexpr')
call assert_equal('netpolc', get(b:, 'current_compiler', get(g:, 'current_compiler', '')), 'compiler')

" Syntax groups.
call setline(1, [
      \ '## A category.',
      \ 'category web(port: port = 8080/tcp, peers: selector = {app=web}) {',
      \ '  allow from entity ingress, remote-node port $port',
      \ '}',
      \ 'const NETS = [10.0.0.0/8, 10.0.0.256/8, 10.0.0.0/33, 2001:db8::/32]',
      \ 'namespace default {',
      \ '  policy default-deny {',
      \ '    select pods tier in (web, api) in namespace kube-system',
      \ '    allow to fqdn "api.example.com port 443/tcp',
      \ '    allow to pods app=db port 5432/tcp, 99999/tcp icmp ipv6 PacketTooBig',
      \ '      http GET "/a\q"',
      \ '  }',
      \ '}',
      \ ])
syntax sync fromstart
call assert_equal('netpolDocComment', s:Group(1, 'A category'), 'doc comment')
call assert_equal('netpolKeyword', s:Group(2, 'category'), 'category keyword')
call assert_equal('netpolCategoryName', s:Group(2, 'web'), 'category name')
call assert_equal('netpolParamName', s:Group(2, 'port'), 'parameter name')
call assert_equal('netpolType', s:Group(2, 'port', 2), 'parameter type')
call assert_equal('netpolType', s:Group(2, 'selector'), 'selector type')
call assert_equal('netpolPort', s:Group(2, '8080'), 'default port')
call assert_equal('netpolLabelKey', s:Group(2, 'app'), 'selector key in a default')
call assert_equal('netpolEntity', s:Group(3, 'ingress'), 'entity named like a keyword')
call assert_equal('netpolEntity', s:Group(3, 'remote-node'), 'second entity')
call assert_equal('netpolKeyword', s:Group(3, 'port'), 'port keyword after entities')
call assert_equal('netpolConstRef', s:Group(3, '$port'), 'constant reference')
call assert_equal('netpolConstDef', s:Group(5, 'NETS'), 'constant definition')
call assert_equal('netpolCidr', s:Group(5, '10.0.0.0/8'), 'CIDR')
call assert_equal('netpolBadCidr', s:Group(5, '10.0.0.256/8'), 'octet over 255')
call assert_equal('netpolBadCidr', s:Group(5, '10.0.0.0/33'), 'prefix over 32')
call assert_equal('netpolCidr', s:Group(5, '2001:db8::/32'), 'IPv6 CIDR')
call assert_equal('netpolNamespaceName', s:Group(6, 'default'), 'namespace named like a keyword')
call assert_equal('netpolPolicyName', s:Group(7, 'default-deny'), 'policy name with keywords in it')
call assert_equal('netpolLabelKey', s:Group(8, 'tier'), 'set selector key')
call assert_equal('netpolSetKeyword', s:Group(8, 'in'), 'set selector in')
call assert_equal('netpolLabelValue', s:Group(8, 'api'), 'set selector value')
call assert_equal('netpolKeyword', s:Group(8, 'in', 2), 'scope in')
call assert_equal('netpolNamespaceName', s:Group(8, 'kube-system'), 'scope namespace')
call assert_equal('netpolUnterminated', s:Group(9, '"api'), 'unterminated string')
call assert_equal('netpolLabelKey', s:Group(10, 'app'), 'label key')
call assert_equal('netpolLabelValue', s:Group(10, 'db'), 'label value')
call assert_equal('netpolPort', s:Group(10, '5432'), 'port')
call assert_equal('netpolProtocol', s:Group(10, 'tcp'), 'protocol')
call assert_equal('netpolBadPort', s:Group(10, '99999'), 'port over 65535')
call assert_equal('netpolIcmpFamily', s:Group(10, 'ipv6'), 'ICMP family')
call assert_equal('netpolIcmpType', s:Group(10, 'PacketTooBig'), 'ICMP type')
call assert_equal('netpolHttpMethod', s:Group(11, 'GET'), 'HTTP method')
call assert_equal('netpolBadEscape', s:Group(11, '\q'), 'unknown escape')

" Rule sentences: the word after `allow`/`deny` names the sentence, unless
" it is `from`/`to` (a rule) or `default deny ingress`.
%delete _
call setline(1, [
      \ 'category vault(ports: ports = []) sentence allow vault port $ports {',
      \ '  allow dns "*.example.com"',
      \ '  allow storage from $IPS port 2049/tcp',
      \ '  deny cloud-metadata',
      \ '  allow from pods app=web',
      \ '  default deny ingress',
      \ '}',
      \ ])
syntax sync fromstart
call assert_equal('netpolKeyword', s:Group(1, 'sentence'), 'sentence keyword')
call assert_equal('netpolSentenceWord', s:Group(1, 'vault', 2), 'declared sentence word')
call assert_equal('netpolKeyword', s:Group(2, 'allow'), 'allow before a sentence word')
call assert_equal('netpolSentenceWord', s:Group(2, 'dns'), 'sentence word named like a keyword')
call assert_equal('netpolString', s:Group(2, '"'), 'sentence value')
call assert_equal('netpolSentenceWord', s:Group(3, 'storage'), 'sentence word')
call assert_equal('netpolKeyword', s:Group(3, 'from'), 'sentence clause word')
call assert_equal('netpolConstRef', s:Group(3, '$IPS'), 'sentence clause value')
call assert_equal('netpolSentenceWord', s:Group(4, 'cloud-metadata'), 'sentence word with a dash')
call assert_equal('netpolKeyword', s:Group(5, 'from'), 'a rule is not a sentence')
call assert_equal('netpolKeyword', s:Group(6, 'ingress'), 'default deny is not a sentence')

" Every example and stdlib file highlights without an Error group.
let files = globpath(g:repo, 'examples/**/*.netpol', 0, 1) + globpath(g:repo, 'stdlib/*.netpol', 0, 1)
call assert_true(len(files) > 0, 'no example files found')
for file in files
  execute 'edit! ' . fnameescape(file)
  syntax sync fromstart
  for lnum in range(1, line('$'))
    let line = getline(lnum)
    for col in range(1, len(line))
      let id = synIDtrans(synID(lnum, col, 1))
      if synIDattr(id, 'name') ==# 'Error'
        call add(v:errors, printf('%s:%d:%d: %s is highlighted as %s', fnamemodify(file, ':~:.'),
              \ lnum, col, matchstr(line[col - 1 :], '^\S*'), synIDattr(synID(lnum, col, 1), 'name')))
        break
      endif
    endfor
  endfor
endfor
execute 'edit! ' . fnameescape(g:work . '/indent.netpol')

" Indenting: the fixture, flattened and re-indented with =, comes back as it was.
let want = readfile(g:repo . '/tests/editors/vim/indent.netpol')
call setline(1, map(copy(want), 'substitute(v:val, "^\\s*", "", "")'))
normal! gg=G
call assert_equal(want, getline(1, '$'), 'indent of tests/editors/vim/indent.netpol')

" :make fills the quickfix list with the right files, lines and columns.
execute 'cd ' . fnameescape(g:work)
silent make!
let got = map(getqflist(), {_, e -> printf('%s:%d:%d: %s%d %s',
      \ fnamemodify(bufname(e.bufnr), ':.'), e.lnum, e.col, e.type, e.nr, e.text)})
call assert_equal([
      \ 'ns/shop.netpol:4:39: e204 port `99999` is out of range',
      \ 'ns/shop.netpol:5:9: e102 cannot find category `nosuch`',
      \ ], got, ':make quickfix list')
" :cfirst jumps to the first error's line and column.
silent cfirst!
call assert_equal(['ns/shop.netpol', 4, 39], [fnamemodify(bufname('%'), ':.'), line('.'), col('.')], ':cfirst position')

call writefile(v:errors, g:work . '/errors.txt')
if len(v:errors) > 0
  cquit!
endif
qall!
