" netpol policy files, compiled by netpolc.
autocmd BufRead,BufNewFile *.netpol setfiletype netpol
